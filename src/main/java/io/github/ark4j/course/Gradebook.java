package io.github.ark4j.course;

import io.github.ark4j.util.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a class's grades as {@code gradebook.csv} (one row per student and exercise) and {@code gradebook.md}. */
final class Gradebook {
    private Gradebook() {
    }

    static void write(List<Grader.Grade> grades, Path out) throws IOException {
        StringBuilder csv = new StringBuilder("student,notebook,exercise,result,first_error\n");
        StringBuilder md = new StringBuilder("# Gradebook\n\n| student | notebook | exercise | result | first error |\n|---|---|---|---|---|\n");
        Map<String, int[]> totals = new LinkedHashMap<>();
        for (Grader.Grade g : grades) {
            String result = g.passed() ? "pass" : "fail";
            csv.append(String.join(",", csvField(g.student()), csvField(g.notebook()), csvField(g.exercise()), result, csvField(g.firstError()))).append('\n');
            md.append("| ").append(mdField(g.student())).append(" | ").append(mdField(g.notebook())).append(" | ").append(g.exercise())
                    .append(" | ").append(result).append(" | ").append(mdField(g.firstError())).append(" |\n");
            int[] t = totals.computeIfAbsent(g.student(), s -> new int[2]);
            t[0] += g.passed() ? 1 : 0;
            t[1]++;
        }
        md.append("\n## Totals\n\n| student | passed | exercises |\n|---|---|---|\n");
        totals.forEach((s, t) -> md.append("| ").append(mdField(s)).append(" | ").append(t[0]).append(" | ").append(t[1]).append(" |\n"));
        AtomicFiles.writeString(out.resolve("gradebook.csv"), csv.toString());
        AtomicFiles.writeString(out.resolve("gradebook.md"), md.toString());
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String mdField(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
