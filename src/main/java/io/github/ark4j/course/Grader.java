package io.github.ark4j.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.util.AtomicFiles;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Grades a class headless. For every student (a folder of submitted notebooks) and every instructor's notebook with
 * exercises, it writes a grading notebook of the instructor's setup cells, the student's answer cells (matched by cell
 * id) and the instructor's own check cells, and executes it in a fresh kernel process, in a working folder of its own,
 * with a heap and off-heap limit and a time limit for the whole notebook. Pass or fail is read only from the result
 * lines of those check cells, which carry a nonce drawn for the run ({@link Grading}): text that the student's code
 * prints, and check cells the student edited, count for nothing.
 */
public final class Grader {
    /** One exercise of one student. */
    public record Grade(String student, String notebook, String exercise, boolean passed, String firstError) {
    }

    private final String kernel;
    private final int timeoutSeconds;
    private final long memoryBytes;
    private final String jupyter;

    private Grader(Builder b) {
        this.kernel = b.kernel;
        this.timeoutSeconds = b.timeoutSeconds;
        this.memoryBytes = b.memoryBytes;
        this.jupyter = b.jupyter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Grades every student folder of {@code submissions} against the notebooks of {@code source} and writes
     * {@code gradebook.csv} and {@code gradebook.md} to {@code out} (working folders under {@code out/work}).
     */
    public List<Grade> grade(Path source, Path submissions, Path out, Consumer<String> progress) throws IOException, InterruptedException {
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("--source must be a folder of the instructor's notebooks, got " + source);
        }
        if (!Files.isDirectory(submissions)) {
            throw new IllegalArgumentException("--submissions must be a folder with one folder of notebooks per student, got " + submissions);
        }
        List<CourseNotebook> graded = new ArrayList<>();
        for (Path nb : Release.notebooks(source)) {
            CourseNotebook n = CourseNotebook.read(nb);
            if (!n.exercises().isEmpty()) {
                graded.add(n);
            }
        }
        if (graded.isEmpty()) {
            throw new IllegalArgumentException("no notebook in " + source + " has exercises (cells with \"ark4j\" metadata)");
        }
        List<Path> students;
        try (Stream<Path> s = Files.list(submissions)) {
            students = s.filter(Files::isDirectory).sorted().toList();
        }
        if (students.isEmpty()) {
            throw new IllegalArgumentException("no student folders in " + submissions + ": expected one folder per student holding their notebooks");
        }
        Path jupyterPath = out.resolve("jupyter").toAbsolutePath();
        String gradingKernel = installGradingKernel(jupyterPath);
        List<Grade> grades = new ArrayList<>();
        for (Path student : students) {
            String name = student.getFileName().toString();
            for (CourseNotebook teacher : graded) {
                String nbName = teacher.file().getFileName().toString();
                progress.accept("grading " + name + " / " + nbName);
                Path work = out.resolve("work").resolve(name).toAbsolutePath();
                grades.addAll(gradeOne(name, teacher, student.resolve(nbName), work, jupyterPath, gradingKernel));
            }
        }
        Gradebook.write(grades, out);
        return grades;
    }

    private List<Grade> gradeOne(String student, CourseNotebook teacher, Path submitted, Path work, Path jupyterPath, String gradingKernel)
            throws IOException, InterruptedException {
        String nbName = teacher.file().getFileName().toString();
        Map<String, CourseNotebook.Exercise> exercises = teacher.exercises();
        List<Grade> out = new ArrayList<>();
        CourseNotebook submission;
        if (!Files.isRegularFile(submitted)) {
            exercises.keySet().forEach(e -> out.add(new Grade(student, nbName, e, false, "notebook not submitted")));
            return out;
        }
        try {
            submission = CourseNotebook.read(submitted);
        } catch (IOException unreadable) {
            exercises.keySet().forEach(e -> out.add(new Grade(student, nbName, e, false, unreadable.getMessage())));
            return out;
        }
        String nonce = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        List<CourseNotebook.Cell> cells = new ArrayList<>();
        teacher.cells().stream().filter(c -> c.role().equals(Optional.of(CourseNotebook.Role.SETUP))).forEach(cells::add);
        for (CourseNotebook.Exercise e : exercises.values()) {
            for (CourseNotebook.Cell answer : e.answers()) {
                // the student's cell of the same id; a deleted one leaves the check to fail on the missing function
                submission.cell(answer.id()).filter(c -> "code".equals(c.type())).ifPresent(cells::add);
            }
            for (CourseNotebook.Cell check : e.checks()) {
                cells.add(new CourseNotebook.Cell("grade-" + e.name(), "code", gradingCheck(check.source(), nonce), Optional.empty(), Optional.empty()));
            }
        }
        Files.createDirectories(work);
        String stem = nbName.substring(0, nbName.length() - ".ipynb".length());
        Path input = work.resolve(stem + ".grading.ipynb");
        Path executed = work.resolve(stem + ".graded.ipynb");
        Files.deleteIfExists(executed);
        teacher.withCells(cells).write(input);
        boolean timedOut = execute(input, executed, work, jupyterPath, gradingKernel);
        Map<String, List<JsonObject>> outputs = Files.isRegularFile(executed) ? CourseNotebook.read(executed).outputs() : Map.of();
        for (CourseNotebook.Exercise e : exercises.values()) {
            CheckResult result = null;
            for (JsonObject o : outputs.getOrDefault("grade-" + e.name(), List.of())) {
                for (String line : text(o).split("\n")) {
                    CheckResult r = Grading.parse(nonce, e.name(), line);
                    result = r != null ? r : result;
                }
            }
            if (result != null) {
                out.add(new Grade(student, nbName, e.name(), result.passed(), result.passed() ? "" : result.message()));
                continue;
            }
            String error = e.answers().stream().map(a -> firstError(outputs.getOrDefault(a.id(), List.of())))
                    .filter(s -> !s.isEmpty()).findFirst()
                    .orElse(firstError(outputs.getOrDefault("grade-" + e.name(), List.of())));
            if (timedOut) {
                error = "stopped after the time limit of " + timeoutSeconds + " s" + (error.isEmpty() ? "" : "; " + error);
            } else if (!Files.isRegularFile(executed)) {
                error = "the notebook could not be executed (see " + work.resolve(stem + ".log") + ")";
            } else if (error.isEmpty()) {
                error = "the check printed no result";
            }
            out.add(new Grade(student, nbName, e.name(), false, error));
        }
        return out;
    }

    /** The instructor's check statement {@code Checks.x(...).show();} as a grading statement that prints its result line. */
    static String gradingCheck(String checkSource, String nonce) {
        String s = checkSource.trim();
        if (!s.startsWith("Checks.") || !s.endsWith(".show();")) {
            throw new IllegalArgumentException("a check cell must be one statement Checks.<check>(...).show(); got: " + s);
        }
        String call = s.substring(0, s.length() - ".show();".length());
        return "io.github.ark4j.course.Grading.emit(\"" + nonce + "\", io.github.ark4j.course." + call + ");";
    }

    /**
     * Executes a notebook with the grading kernel; the whole run (kernel start-up included) is stopped with every
     * process it started when it exceeds the time limit. Returns whether it was stopped.
     */
    private boolean execute(Path input, Path executed, Path work, Path jupyterPath, String gradingKernel) throws IOException, InterruptedException {
        String stem = input.getFileName().toString().replace(".grading.ipynb", "");
        ProcessBuilder pb = new ProcessBuilder(jupyter, "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                "--ExecutePreprocessor.kernel_name=" + gradingKernel,
                "--ExecutePreprocessor.timeout=" + timeoutSeconds,
                "--ExecutePreprocessor.startup_timeout=120",
                "--output", executed.getFileName().toString(), input.getFileName().toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(stem + ".log").toFile());
        String existing = System.getenv("JUPYTER_PATH");
        pb.environment().put("JUPYTER_PATH", jupyterPath + (existing == null || existing.isBlank() ? "" : File.pathSeparator + existing));
        pb.environment().put(DataDirectory.ENVIRONMENT, DataDirectory.resolve().toAbsolutePath().toString());
        Process p = pb.start();
        if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            return false;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        return true;
    }

    /**
     * Installs a copy of the kernelspec {@code kernel} under {@code jupyterPath} with this grader's memory limits (heap
     * and JavaCPP's off-heap bytes half of the limit each, resident bytes at most the limit); returns its name.
     */
    private String installGradingKernel(Path jupyterPath) throws IOException, InterruptedException {
        Path dir = kernelDirectory(kernel);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        JsonArray argv = new JsonArray();
        JsonArray original = spec.getAsJsonArray("argv");
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i).getAsString();
            if (a.startsWith("-Xmx") || a.startsWith("-Dorg.bytedeco.javacpp.maxbytes=") || a.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes=")) {
                continue;
            }
            argv.add(a);
            if (i == 0) {
                argv.add("-Xmx" + memoryBytes / 2);
                argv.add("-Dorg.bytedeco.javacpp.maxbytes=" + memoryBytes / 2);
                argv.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + memoryBytes);
            }
        }
        spec.add("argv", argv);
        spec.addProperty("display_name", spec.get("display_name").getAsString() + " (grading)");
        String name = kernel + "-grading";
        AtomicFiles.writeString(jupyterPath.resolve("kernels").resolve(name).resolve("kernel.json"), spec.toString());
        return name;
    }

    /** The folder of an installed kernelspec, from {@code jupyter kernelspec list --json}. */
    private Path kernelDirectory(String name) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(jupyter, "kernelspec", "list", "--json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + jupyter + " (install Jupyter, see README \"For instructors\"): " + e.getMessage(), e);
        }
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        JsonObject specs = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("kernelspecs");
        if (specs == null || !specs.has(name)) {
            throw new IllegalArgumentException("--kernel: no Jupyter kernelspec named " + name + " (installed: "
                    + (specs == null ? "none" : String.join(", ", specs.keySet())) + "); install it with tools/lab.sh --setup and put that environment's jupyter on the PATH (. .venv/bin/activate)");
        }
        return Path.of(specs.getAsJsonObject(name).get("resource_dir").getAsString());
    }

    /** The text of a stream, result or error output. */
    private static String text(JsonObject output) {
        String type = output.get("output_type").getAsString();
        if (type.equals("stream")) {
            return CourseNotebook.multiline(output.get("text"));
        }
        if (output.has("data") && output.getAsJsonObject("data").has("text/plain")) {
            return CourseNotebook.multiline(output.getAsJsonObject("data").get("text/plain"));
        }
        return "";
    }

    /** "ename: evalue" and the first lines of the traceback of the first error output, without terminal colours. */
    private static String firstError(List<JsonObject> outputs) {
        for (JsonObject o : outputs) {
            if (o.get("output_type").getAsString().equals("error")) {
                StringBuilder b = new StringBuilder(o.get("ename").getAsString());
                String value = o.has("evalue") ? o.get("evalue").getAsString().trim() : "";
                if (!value.isEmpty()) {
                    b.append(": ").append(value);
                }
                if (o.has("traceback")) {
                    for (JsonElement t : o.getAsJsonArray("traceback")) {
                        String line = t.getAsString().replaceAll("\u001B\\[[;\\d]*m", "").trim();
                        if (!line.isEmpty() && b.length() < 300) {
                            b.append(" | ").append(line);
                        }
                    }
                }
                String s = b.toString().replace('\n', ' ');
                return s.length() > 400 ? s.substring(0, 400) + "…" : s;
            }
        }
        return "";
    }

    public static final class Builder {
        private String kernel = "ark4j";
        private int timeoutSeconds = 300;
        private long memoryBytes = 2L << 30;
        private String jupyter = "jupyter";

        /** The Jupyter kernelspec the notebooks run on (default {@code ark4j}, see tools/setup-kernel.sh). */
        public Builder kernel(String v) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("--kernel must name a Jupyter kernelspec, got an empty name");
            }
            kernel = v;
            return this;
        }

        /** The time limit of one submitted notebook, kernel start-up included, in seconds (default 300). */
        public Builder timeoutSeconds(int v) {
            if (v < 10 || v > 86_400) {
                throw new IllegalArgumentException("--timeout must be between 10 and 86400 seconds, got " + v);
            }
            timeoutSeconds = v;
            return this;
        }

        /** The memory limit of one kernel, e.g. {@code 2g} or {@code 1536m} (default 2g; at least 512m). */
        public Builder memory(String v) {
            long bytes = parseMemory(v);
            if (bytes < 512L << 20) {
                throw new IllegalArgumentException("--memory must be at least 512m, got " + v);
            }
            memoryBytes = bytes;
            return this;
        }

        /** The {@code jupyter} command (default: {@code jupyter} on the PATH). */
        public Builder jupyter(String v) {
            jupyter = v;
            return this;
        }

        public Grader build() {
            return new Grader(this);
        }

        static long parseMemory(String v) {
            String s = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
            long unit = s.endsWith("g") ? 1L << 30 : s.endsWith("m") ? 1L << 20 : 0;
            try {
                if (unit > 0) {
                    return Long.parseLong(s.substring(0, s.length() - 1)) * unit;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the expected form
            }
            throw new IllegalArgumentException("--memory must be a size like 2g or 1536m, got " + v);
        }
    }
}
