package io.github.ark4j.course;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notebooks' exercises as a student meets them: every check fails on the stub a release leaves and passes on the
 * solution in the instructor's notebook, both run in JShell from the notebook's own cells; a release leaves no
 * solution text; the course metadata is well formed.
 */
class ExercisesTest {
    private static final Path NOTEBOOKS = Path.of("notebooks");

    static List<CourseNotebook> notebooks() throws IOException {
        List<CourseNotebook> out = new ArrayList<>();
        for (Path p : Release.notebooks(NOTEBOOKS)) {
            out.add(CourseNotebook.read(p));
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> everyCheckFailsOnItsStubAndPassesOnItsSolution() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (CourseNotebook nb : notebooks()) {
            String setup = nb.cells().stream().filter(c -> c.role().orElse(null) == CourseNotebook.Role.SETUP)
                    .map(CourseNotebook.Cell::source).findFirst().orElseThrow(() -> new AssertionError(nb.file() + " has no setup cell"));
            for (CourseNotebook.Exercise e : nb.exercises().values()) {
                tests.add(DynamicTest.dynamicTest(nb.file().getFileName() + " " + e.name(), () -> {
                    assertEquals(1, e.checks().size(), e.name() + ": one check cell");
                    String check = e.checks().get(0).source().trim();
                    String verdict = check.substring(0, check.length() - ".show();".length());
                    try (NotebookShell shell = new NotebookShell()) {
                        shell.run(setup);
                        for (CourseNotebook.Cell a : e.answers()) {
                            shell.run(CourseNotebook.stub(a.source(), e.name()));
                        }
                        String stubMessage = shell.run(verdict + ".toString()");
                        assertTrue(stubMessage.startsWith("\"FAIL " + e.name() + ": your function threw UnsupportedOperationException"), stubMessage);
                        for (CourseNotebook.Cell a : e.answers()) {
                            shell.run(a.source());
                        }
                        String solved = shell.run(verdict + ".toString()");
                        assertTrue(solved.startsWith("\"PASS " + e.name()), solved);
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void everyNotebookOpensOnTheKitsKernelHasCellIdsAndFromOneOnAGradableExercise() throws IOException {
        Set<String> names = new HashSet<>();
        for (CourseNotebook nb : notebooks()) {
            String file = nb.file().getFileName().toString();
            Set<String> ids = new HashSet<>();
            for (CourseNotebook.Cell c : nb.cells()) {
                assertNotNull(c.id(), file + ": every cell has an id (nbformat 4.5)");
                assertTrue(ids.add(c.id()), file + ": cell ids are unique, " + c.id() + " twice");
            }
            assertEquals("ark4j", nb.kernelName(), file + " opens on the ark4j kernelspec");
            Map<String, CourseNotebook.Exercise> ex = nb.exercises();
            if (!file.startsWith("00")) {
                assertFalse(ex.isEmpty(), file + " has an exercise");
            }
            for (CourseNotebook.Exercise e : ex.values()) {
                assertTrue(names.add(e.name()), "exercise names are unique across notebooks: " + e.name());
                assertFalse(e.answers().isEmpty(), e.name() + " has an answer cell");
                e.answers().forEach(a -> assertTrue(a.source().contains(CourseNotebook.BEGIN_SOLUTION), e.name() + " marks its solution"));
                assertTrue(Grader.gradingCheck(e.checks().get(0).source(), "n").startsWith("io.github.ark4j.course.Grading.emit(\"n\", io.github.ark4j.course.Checks."));
            }
        }
    }

    @Test
    void aReleaseLeavesStubsAndNoSolutionTextAndNoOutputs(@TempDir Path out) throws IOException {
        List<Path> written = Release.write(NOTEBOOKS, out);
        assertEquals(Release.notebooks(NOTEBOOKS).size(), written.size());
        for (Path p : written) {
            CourseNotebook teacher = CourseNotebook.read(NOTEBOOKS.resolve(p.getFileName()));
            String text = Files.readString(p, StandardCharsets.UTF_8);
            assertNull(Release.leakedSolutionLine(teacher, text), p.toString());
            for (String line : Release.solutionLines(teacher)) {
                assertFalse(text.contains(line.replace("\"", "\\\"")), p + " holds solution line " + line);
            }
            assertFalse(text.contains(CourseNotebook.BEGIN_SOLUTION), p + " keeps a solution marker");
            CourseNotebook student = CourseNotebook.read(p);
            student.outputs().values().forEach(o -> assertTrue(o.isEmpty(), p + " has outputs"));
            for (CourseNotebook.Exercise e : student.exercises().values()) {
                assertTrue(e.answers().get(0).source().contains("not written yet"), p + " " + e.name() + " has its stub");
            }
        }
    }

    @Test
    void theLeakCheckFindsASolutionLineLeftInAStudentVersion() throws IOException {
        CourseNotebook teacher = CourseNotebook.read(NOTEBOOKS.resolve("01-fgsm.ipynb"));
        String solution = Release.solutionLines(teacher).get(0);
        assertNull(Release.leakedSolutionLine(teacher, "{\"source\": [\"throw new UnsupportedOperationException()\"]}"));
        assertEquals(solution, Release.leakedSolutionLine(teacher, "{\"source\": [\"    " + solution.replace("\"", "\\\"") + "\\n\"]}"));
    }
}
