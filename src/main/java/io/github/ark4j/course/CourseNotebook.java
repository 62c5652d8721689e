package io.github.ark4j.course;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.ark4j.util.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Jupyter notebook (nbformat 4) as the course tools see it. A cell's role in an exercise is in its metadata,
 * {@code "ark4j": {"exercise": "fgsm-step", "role": "answer"}}:
 * <ul>
 *   <li>{@code setup}: code every exercise needs (imports); run first when grading;</li>
 *   <li>{@code answer}: the code the student writes; the solution sits between the lines {@code // BEGIN SOLUTION}
 *       and {@code // END SOLUTION}, which a release replaces by a stub that compiles and throws;</li>
 *   <li>{@code check}: one statement {@code Checks.<check>(<lambda around the student's function>).show();}.</li>
 * </ul>
 * Cells are matched between an instructor's notebook and a submission by their cell id (nbformat 4.5).
 */
public final class CourseNotebook {
    public static final String BEGIN_SOLUTION = "// BEGIN SOLUTION";
    public static final String END_SOLUTION = "// END SOLUTION";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    /** What a cell is for in an exercise. */
    public enum Role {SETUP, ANSWER, CHECK}

    /** One cell: its id, type, source text, and its exercise role if it has one. */
    public record Cell(String id, String type, String source, Optional<Role> role, Optional<String> exercise) {
    }

    private final Path file;
    private final JsonObject json;

    private CourseNotebook(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    /** Reads a notebook; an unreadable or malformed file is an {@link IOException} naming it. */
    public static CourseNotebook read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read notebook " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject() || !root.getAsJsonObject().has("cells") || !root.getAsJsonObject().get("cells").isJsonArray()) {
                throw new IOException("notebook " + file + " is not an nbformat 4 notebook: expected a JSON object with a \"cells\" array");
            }
            return new CourseNotebook(file, root.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new IOException("notebook " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** The kernelspec name in the notebook's metadata (the kernel Jupyter starts on open), or null. */
    public String kernelName() {
        JsonObject meta = json.has("metadata") && json.get("metadata").isJsonObject() ? json.getAsJsonObject("metadata") : null;
        JsonObject spec = meta != null && meta.has("kernelspec") && meta.get("kernelspec").isJsonObject() ? meta.getAsJsonObject("kernelspec") : null;
        return spec != null && spec.has("name") ? spec.get("name").getAsString() : null;
    }

    /** The cells in order. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (JsonElement e : json.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            JsonObject meta = c.has("metadata") && c.get("metadata").isJsonObject() ? c.getAsJsonObject("metadata") : new JsonObject();
            JsonObject ark = meta.has("ark4j") && meta.get("ark4j").isJsonObject() ? meta.getAsJsonObject("ark4j") : null;
            Optional<Role> role = Optional.empty();
            Optional<String> exercise = Optional.empty();
            if (ark != null && ark.has("role")) {
                role = Optional.of(Role.valueOf(ark.get("role").getAsString().toUpperCase(java.util.Locale.ROOT)));
            }
            if (ark != null && ark.has("exercise")) {
                exercise = Optional.of(ark.get("exercise").getAsString());
            }
            out.add(new Cell(c.has("id") ? c.get("id").getAsString() : null, c.get("cell_type").getAsString(), source(c), role, exercise));
        }
        return out;
    }

    /** The exercises in order of their first cell, each with its answer cells and its check cell. */
    public Map<String, Exercise> exercises() {
        Map<String, Exercise> out = new LinkedHashMap<>();
        for (Cell c : cells()) {
            if (c.exercise().isEmpty() || c.role().isEmpty()) {
                continue;
            }
            Exercise e = out.computeIfAbsent(c.exercise().get(), name -> new Exercise(name, new ArrayList<>(), new ArrayList<>()));
            (c.role().get() == Role.CHECK ? e.checks() : e.answers()).add(c);
        }
        return out;
    }

    /** One exercise of a notebook. */
    public record Exercise(String name, List<Cell> answers, List<Cell> checks) {
    }

    /** The cell with this id, if the notebook has it. */
    public Optional<Cell> cell(String id) {
        return cells().stream().filter(c -> id != null && id.equals(c.id())).findFirst();
    }

    /** The student version: solutions replaced by stubs, every output and execution count cleared (a new notebook). */
    public CourseNotebook studentVersion() {
        JsonObject copy = json.deepCopy();
        for (JsonElement e : copy.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            if ("code".equals(c.get("cell_type").getAsString())) {
                setSource(c, stub(source(c), exerciseOf(c)));
                c.add("outputs", new JsonArray());
                c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            }
        }
        return new CourseNotebook(file, copy);
    }

    /**
     * A notebook of the given cells (sources with their ids and roles) under this notebook's metadata: the notebook the
     * grader executes.
     */
    public CourseNotebook withCells(List<Cell> cells) {
        JsonObject copy = json.deepCopy();
        JsonArray out = new JsonArray();
        for (Cell cell : cells) {
            JsonObject c = new JsonObject();
            c.addProperty("cell_type", "code");
            if (cell.id() != null) {
                c.addProperty("id", cell.id());
            }
            c.add("metadata", new JsonObject());
            c.add("outputs", new JsonArray());
            c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            setSource(c, cell.source());
            out.add(c);
        }
        copy.add("cells", out);
        return new CourseNotebook(file, copy);
    }

    /** The text outputs (streams, results, errors) of each code cell of an executed notebook, by cell id. */
    public Map<String, List<JsonObject>> outputs() {
        Map<String, List<JsonObject>> out = new LinkedHashMap<>();
        for (JsonElement e : json.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            List<JsonObject> list = new ArrayList<>();
            if (c.has("outputs")) {
                c.getAsJsonArray("outputs").forEach(o -> list.add(o.getAsJsonObject()));
            }
            out.put(c.has("id") ? c.get("id").getAsString() : "", list);
        }
        return out;
    }

    /** Writes the notebook atomically. */
    public void write(Path to) throws IOException {
        AtomicFiles.writeString(to, GSON.toJson(json) + "\n");
    }

    /** The source with every solution region replaced by a stub that compiles and throws. */
    static String stub(String source, String exercise) {
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder();
        boolean inSolution = false;
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.equals(BEGIN_SOLUTION)) {
                if (inSolution) {
                    throw new IllegalArgumentException("exercise " + exercise + ": nested " + BEGIN_SOLUTION);
                }
                inSolution = true;
                String indent = line.substring(0, line.indexOf('/'));
                out.append(indent).append("// TODO: your code here (see the formula above)\n");
                out.append(indent).append("throw new UnsupportedOperationException(\"exercise ").append(exercise).append(": not written yet\");\n");
                continue;
            }
            if (trimmed.equals(END_SOLUTION)) {
                if (!inSolution) {
                    throw new IllegalArgumentException("exercise " + exercise + ": " + END_SOLUTION + " without " + BEGIN_SOLUTION);
                }
                inSolution = false;
                continue;
            }
            if (!inSolution) {
                out.append(line).append('\n');
            }
        }
        if (inSolution) {
            throw new IllegalArgumentException("exercise " + exercise + ": " + BEGIN_SOLUTION + " without " + END_SOLUTION);
        }
        return out.substring(0, out.length() - 1);
    }

    private static String exerciseOf(JsonObject c) {
        JsonObject meta = c.has("metadata") ? c.getAsJsonObject("metadata") : null;
        return meta != null && meta.has("ark4j") && meta.getAsJsonObject("ark4j").has("exercise")
                ? meta.getAsJsonObject("ark4j").get("exercise").getAsString() : "?";
    }

    private static String source(JsonObject c) {
        return multiline(c.get("source"));
    }

    /** A notebook's multi-line string: a string or a list of lines (absent: empty). */
    static String multiline(JsonElement e) {
        if (e == null) {
            return "";
        }
        if (e.isJsonArray()) {
            StringBuilder b = new StringBuilder();
            e.getAsJsonArray().forEach(x -> b.append(x.getAsString()));
            return b.toString();
        }
        return e.getAsString();
    }

    /** Sets a cell's source as nbformat writes it: a list of lines, each but the last ending in a newline. */
    private static void setSource(JsonObject c, String text) {
        JsonArray lines = new JsonArray();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        c.add("source", lines);
    }
}
