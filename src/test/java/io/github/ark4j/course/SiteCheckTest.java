package io.github.ark4j.course;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed site of executed notebooks (docs/notebooks/) is current, and {@code tools/site.py check}, which CI runs,
 * catches a page that was not rebuilt after a notebook's source cell changed, while a change of outputs or metadata only
 * (what executing a notebook writes) does not count. Needs {@code python3} (standard library only); skipped without it
 * unless ARK4J_REQUIRE_KERNEL is set, as in CI.
 */
class SiteCheckTest {
    private static final Path NOTEBOOKS = Path.of("notebooks");
    private static final Path SITE = Path.of("docs", "notebooks");

    @BeforeAll
    static void python() {
        assumeTrue(run(List.of("python3", "--version")).exit == 0 || System.getenv("ARK4J_REQUIRE_KERNEL") != null,
                "python3 not installed");
    }

    @Test
    void committedSiteMatchesTheNotebooks() {
        Result r = check(NOTEBOOKS, SITE);
        assertEquals(0, r.exit, r.output);
    }

    @Test
    void editedSourceCellMakesItsPageStale(@TempDir Path tmp) throws IOException {
        Result r = checkEditedCopy(tmp, "01-fgsm.ipynb", code -> code.getAsJsonArray("source").add("\n// one more line"));
        assertNotEquals(0, r.exit, "a changed source cell must fail the check");
        assertTrue(r.output.contains("01-fgsm.ipynb"), "names the stale notebook: " + r.output);
        assertTrue(!r.output.contains("02-jsma.ipynb"), "and only it: " + r.output);
    }

    @Test
    void outputsAndMetadataDoNotCount(@TempDir Path tmp) throws IOException {
        Result r = checkEditedCopy(tmp, "02-jsma.ipynb", code -> {
            code.addProperty("execution_count", 7);
            JsonObject out = new JsonObject();
            out.addProperty("output_type", "stream");
            out.addProperty("name", "stdout");
            out.addProperty("text", "an output a run wrote");
            code.getAsJsonArray("outputs").add(out);
            code.getAsJsonObject("metadata").addProperty("edited", true);
        });
        assertEquals(0, r.exit, r.output);
    }

    /** Copies notebooks and site, checks that the copy is current, edits the first code cell of one notebook, checks again. */
    private static Result checkEditedCopy(Path tmp, String notebook, Consumer<JsonObject> editFirstCodeCell) throws IOException {
        Path notebooks = copy(NOTEBOOKS, tmp.resolve("notebooks"));
        Path site = copy(SITE, tmp.resolve("site"));
        assertEquals(0, check(notebooks, site).exit, "the copy is current before the edit");
        Path edited = notebooks.resolve(notebook);
        JsonObject nb = read(edited);
        editFirstCodeCell.accept(firstCell(nb, "code"));
        write(edited, nb);
        return check(notebooks, site);
    }

    @Test
    void missingPageIsReported(@TempDir Path tmp) throws IOException {
        Path notebooks = copy(NOTEBOOKS, tmp.resolve("notebooks"));
        Path site = copy(SITE, tmp.resolve("site"));
        Files.delete(site.resolve("08-natural-perturbations.html"));
        Result r = check(notebooks, site);
        assertNotEquals(0, r.exit);
        assertTrue(r.output.contains("08-natural-perturbations.ipynb: no page"), r.output);
    }

    private static JsonObject firstCell(JsonObject nb, String type) {
        for (var c : nb.getAsJsonArray("cells")) {
            if (c.getAsJsonObject().get("cell_type").getAsString().equals(type)) {
                return c.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + type + " cell");
    }

    private static JsonObject read(Path p) throws IOException {
        return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static void write(Path p, JsonObject nb) throws IOException {
        Files.writeString(p, nb.toString(), StandardCharsets.UTF_8);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private record Result(int exit, String output) {
    }

    private static Result check(Path notebooks, Path site) {
        return run(List.of("python3", "tools/site.py", "check", "--notebooks", notebooks.toString(), "--site", site.toString()));
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
