package io.github.ark4j.course;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the student versions of a folder of notebooks: every solution region replaced by a stub that compiles and
 * throws, every output cleared. A written notebook is read back and refused if any line of a solution survived.
 */
public final class Release {
    private Release() {
    }

    /**
     * Writes the student version of every {@code .ipynb} in {@code source} to {@code out} (same file names).
     *
     * @return the files written, in name order
     */
    public static List<Path> write(Path source, Path out) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("--source must be a folder of notebooks, got " + source);
        }
        if (Files.exists(out) && Files.isSameFile(source, out)) {
            throw new IllegalArgumentException("--out must not be the source folder " + source + ": the release would overwrite the solutions");
        }
        List<Path> written = new ArrayList<>();
        for (Path nb : notebooks(source)) {
            CourseNotebook teacher = CourseNotebook.read(nb);
            Path to = out.resolve(nb.getFileName());
            teacher.studentVersion().write(to);
            String leaked = leakedSolutionLine(teacher, Files.readString(to, StandardCharsets.UTF_8));
            if (leaked != null) {
                Files.delete(to);
                throw new IllegalStateException("the student version of " + nb + " still holds a solution line: " + leaked);
            }
            written.add(to);
        }
        return written;
    }

    /** The notebooks of a folder, in name order. */
    static List<Path> notebooks(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    /**
     * The first line of a solution region of {@code teacher} found in {@code studentText} (the released file's text),
     * or null. Lines too short to tell code apart (a brace, "return x;") are not counted.
     */
    public static String leakedSolutionLine(CourseNotebook teacher, String studentText) {
        for (String line : solutionLines(teacher)) {
            // the file holds JSON strings: quotes and backslashes are escaped there
            String escaped = line.replace("\\", "\\\\").replace("\"", "\\\"");
            if (studentText.contains(escaped)) {
                return line;
            }
        }
        return null;
    }

    /** The trimmed lines inside the solution regions of a notebook that are long enough to identify code (over 12 characters). */
    public static List<String> solutionLines(CourseNotebook nb) {
        List<String> out = new ArrayList<>();
        for (CourseNotebook.Cell c : nb.cells()) {
            boolean in = false;
            for (String line : c.source().split("\n")) {
                String t = line.trim();
                if (t.equals(CourseNotebook.BEGIN_SOLUTION)) {
                    in = true;
                } else if (t.equals(CourseNotebook.END_SOLUTION)) {
                    in = false;
                } else if (in && t.length() > 12) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
