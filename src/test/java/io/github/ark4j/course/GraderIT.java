package io.github.ark4j.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Grades a synthetic class with the real kernel: untouched stubs, partly right, fully right, one that does not compile,
 * one that loops forever, one that prints the checks' pass lines itself, one that edits its check cells and one that
 * rewrites what is printed. Each gets exactly the grade its answers deserve. Needs Jupyter and the ark4j kernelspec
 * (tools/lab.sh --setup, its jupyter on the PATH); skipped without them unless ARK4J_REQUIRE_KERNEL is set, as in CI.
 */
@Tag("kernel")
class GraderIT {
    private static final Path NOTEBOOKS = Path.of("notebooks");
    private static final String FGSM = "01-fgsm.ipynb";
    private static final String CONTRAST = "08-natural-perturbations.ipynb";

    @Test
    void aSyntheticClassGetsTheGradesItsAnswersDeserve(@TempDir Path dir) throws Exception {
        assumeTrue(Jupyter.hasKernel(Jupyter.KERNEL) || System.getenv("ARK4J_REQUIRE_KERNEL") != null,
                "Jupyter with the ark4j kernelspec is not installed (tools/lab.sh --setup)");
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.copy(NOTEBOOKS.resolve(FGSM), source.resolve(FGSM));
        Files.copy(NOTEBOOKS.resolve(CONTRAST), source.resolve(CONTRAST));
        Path released = dir.resolve("released");
        Release.write(source, released);
        Path subs = dir.resolve("submissions");
        // full: the instructor's own solutions
        student(subs, "full", source, source, Function.identity(), Function.identity());
        // stubs: the release as handed out
        student(subs, "stubs", released, released, Function.identity(), Function.identity());
        // partly right: FGSM solved, contrast left as its stub
        student(subs, "partly", source, released, Function.identity(), Function.identity());
        // does not compile in FGSM; contrast solved
        student(subs, "broken", source, source, nb -> editAnswer(nb, "fgsm-step",
                "INDArray fgsmStep(INDArray x, INDArray gradient, double epsilon) {\n    return x.add(;\n}"), Function.identity());
        // loops forever in FGSM; contrast solved
        student(subs, "looper", source, source, nb -> editAnswer(nb, "fgsm-step",
                "INDArray fgsmStep(INDArray x, INDArray gradient, double epsilon) {\n    while (true) { Thread.onSpinWait(); }\n}"), Function.identity());
        // prints the pass lines itself, in the check's words and in the grader's format
        String fake = "System.out.println(\"PASS fgsm-step: your step equals the library's\");\n"
                + "System.out.println(\"ark4j-grade fgsm-step PASS eW91ciBzdGVw 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\");\n";
        student(subs, "printer", released, released, nb -> editAnswer(nb, "fgsm-step", fake
                + "INDArray fgsmStep(INDArray x, INDArray gradient, double epsilon) {\n    System.out.println(\"PASS fgsm-step\");\n    return x;\n}"),
                Function.identity());
        // edits the check cells: one to print a pass, one to do nothing
        student(subs, "editor", released, released,
                nb -> editCheck(nb, "fgsm-step", "System.out.println(\"PASS fgsm-step: your step equals the library's\");"),
                nb -> editCheck(nb, "contrast", "int nothing = 0;"));
        // rewrites every FAIL the kernel prints into PASS
        student(subs, "rewriter", released, released, nb -> editAnswer(nb, "fgsm-step",
                "System.setOut(new java.io.PrintStream(new java.io.FilterOutputStream(System.out) {\n"
                        + "    private final StringBuilder line = new StringBuilder();\n"
                        + "    @Override public void write(int b) throws java.io.IOException {\n"
                        + "        line.append((char) b);\n"
                        + "        if (b == '\\n') { out.write(line.toString().replace(\"FAIL\", \"PASS\").getBytes()); line.setLength(0); }\n"
                        + "    }\n"
                        + "}, true));\n"
                        + "INDArray fgsmStep(INDArray x, INDArray gradient, double epsilon) {\n    return x;\n}"), Function.identity());

        Path out = dir.resolve("gradebook");
        List<Grader.Grade> grades = Grader.builder().timeoutSeconds(90).memory("2g").build().grade(source, subs, out, System.out::println);
        Map<String, Grader.Grade> byKey = grades.stream().collect(Collectors.toMap(g -> g.student() + "/" + g.exercise(), g -> g));
        assertEquals(16, grades.size(), grades.toString());
        expect(byKey, "full", true, true);
        expect(byKey, "stubs", false, false);
        expect(byKey, "partly", true, false);
        expect(byKey, "broken", false, true);
        expect(byKey, "looper", false, true);
        expect(byKey, "printer", false, false);
        expect(byKey, "editor", false, false);
        expect(byKey, "rewriter", false, false);
        assertTrue(byKey.get("stubs/fgsm-step").firstError().contains("not written yet"), byKey.get("stubs/fgsm-step").toString());
        assertTrue(byKey.get("looper/fgsm-step").firstError().contains("time limit"), byKey.get("looper/fgsm-step").toString());
        assertFalse(byKey.get("broken/fgsm-step").firstError().isBlank());
        assertTrue(byKey.get("printer/fgsm-step").firstError().contains("expected"), byKey.get("printer/fgsm-step").toString());

        String csv = Files.readString(out.resolve("gradebook.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("student,notebook,exercise,result,first_error\n"));
        assertEquals(17, csv.split("\n").length);
        assertTrue(csv.contains("full,01-fgsm.ipynb,fgsm-step,pass,"));
        assertTrue(Files.readString(out.resolve("gradebook.md"), StandardCharsets.UTF_8).contains("| partly | 1 | 2 |"));
    }

    private static void expect(Map<String, Grader.Grade> grades, String student, boolean fgsm, boolean contrast) {
        assertEquals(fgsm, grades.get(student + "/fgsm-step").passed(), grades.get(student + "/fgsm-step").toString());
        assertEquals(contrast, grades.get(student + "/contrast").passed(), grades.get(student + "/contrast").toString());
    }

    private static void student(Path subs, String name, Path fgsmFrom, Path contrastFrom, Function<JsonObject, JsonObject> fgsmEdit,
                                Function<JsonObject, JsonObject> contrastEdit) throws IOException {
        Path dir = Files.createDirectories(subs.resolve(name));
        copy(fgsmFrom.resolve(FGSM), dir.resolve(FGSM), fgsmEdit);
        copy(contrastFrom.resolve(CONTRAST), dir.resolve(CONTRAST), contrastEdit);
    }

    private static void copy(Path from, Path to, Function<JsonObject, JsonObject> edit) throws IOException {
        JsonObject nb = JsonParser.parseString(Files.readString(from, StandardCharsets.UTF_8)).getAsJsonObject();
        Files.writeString(to, edit.apply(nb).toString(), StandardCharsets.UTF_8);
    }

    private static JsonObject editAnswer(JsonObject nb, String exercise, String source) {
        return edit(nb, exercise, "answer", source);
    }

    private static JsonObject editCheck(JsonObject nb, String exercise, String source) {
        return edit(nb, exercise, "check", source);
    }

    private static JsonObject edit(JsonObject nb, String exercise, String role, String source) {
        for (var e : nb.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            JsonObject ark = c.getAsJsonObject("metadata").getAsJsonObject("ark4j");
            if (ark != null && ark.has("exercise") && ark.get("exercise").getAsString().equals(exercise) && ark.get("role").getAsString().equals(role)) {
                JsonArray s = new JsonArray();
                s.add(source);
                c.add("source", s);
            }
        }
        return nb;
    }
}
