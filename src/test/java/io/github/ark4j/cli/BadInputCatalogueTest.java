package io.github.ark4j.cli;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.util.KitFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every bad input a user can give the command line, run through the real command line: the exit code (2 for a bad
 * parameter, 1 for a file that cannot be read or written), one line naming the parameter or file with no Java class
 * name or stack trace, answered before any work (well within seconds), and no file changed in the model cache, the
 * output folder or the kit's own data and models.
 */
class BadInputCatalogueTest {
    static Path dir;
    static Path cache;
    static Path out;
    static Path aFile;
    static Path corruptModel;
    static String savedCache;

    record Case(String name, int exit, String message, String[] args, String dataProperty) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void folders() throws IOException {
        dir = Files.createTempDirectory("ark4j-bad-input");
        cache = Files.createDirectories(dir.resolve("cache"));
        out = Files.createDirectories(dir.resolve("out"));
        aFile = Files.writeString(dir.resolve("a-file"), "not a folder");
        corruptModel = Files.writeString(dir.resolve("corrupt.zip"), "not a zip");
        savedCache = System.getProperty("ark4j.cache");
        System.setProperty("ark4j.cache", cache.toString());
    }

    @AfterAll
    static void restore() {
        if (savedCache == null) {
            System.clearProperty("ark4j.cache");
        } else {
            System.setProperty("ark4j.cache", savedCache);
        }
    }

    static Case c(String name, int exit, String message, String... args) {
        return new Case(name, exit, message, args, null);
    }

    static Stream<Case> cases() {
        String notAFolder = dir().resolve("a-file").resolve("sub").toString();
        return Stream.of(
                c("unknown command", 2, "ark4j: Unmatched argument at index 0: 'tran'", "tran"),
                c("unknown option", 2, "ark4j train: Unknown options: '--epoch'", "train", "--epoch", "3"),
                c("non-numeric epochs", 2, "ark4j train: Invalid value for option '--epochs': 'abc' is not an int", "train", "--epochs", "abc"),
                c("negative epochs", 2, "epochs", "train", "--epochs", "-1"),
                c("zero batch size for training", 2, "batch", "train", "--batch-size", "0"),
                c("zero temperature", 2, "temperature", "train", "--temperature", "0"),
                c("negative learning rate", 2, "learning", "train", "--learning-rate", "-1"),
                c("unknown architecture", 2, "resnet", "train", "--model", "resnet"),
                c("training into a cache that cannot be written", 1, "cannot write to the model cache", "train", "--epochs", "1",
                        "--seed", "77", "-Dark4j.cache=" + notAFolder),
                c("training to an --out that cannot be written", 1, "cannot write to the folder of --out", "train", "--epochs", "1",
                        "--out", notAFolder + "/m.zip"),
                c("negative benchmark pairs", 2, "ark4j bench: --pairs must be between 1 and 100, got -3", "bench", "--pairs", "-3"),
                c("zero benchmark batch", 2, "ark4j bench: --batch-size must be between 1 and 4096, got 0", "bench", "--batch-size", "0"),
                c("zero benchmark seconds", 2, "ark4j bench: --seconds must be between 0.1 and 3600, got 0", "bench", "--seconds", "0"),
                c("zero attack samples", 2, "--attack-samples must be between 1 and 10000, got 0", "bench", "--attacks", "--attack-samples", "0"),
                c("zero mutants", 2, "--mutants must be between 1 and 5000, got 0", "bench", "--mutation", "--mutants", "0"),
                c("zero detection inputs", 2, "--detect-inputs must be between 1 and 10000, got 0", "bench", "--mutation", "--detect-inputs", "0"),
                c("zero reps", 2, "--reps must be between 1 and 1000, got 0", "bench", "--reps", "0"),
                c("unknown attack", 2, "ark4j bench: --attack: unknown attack 'nope', expected some of FGSM,", "bench", "--attacks", "--attack", "fgsm,nope"),
                c("unknown experiment", 2, "fgsm-cifar", "reproduce", "--only", "fgsm-cifar", "--out", out().toString()),
                c("unknown profile", 2, "profile must be quick or full, got 'medium'", "reproduce", "--profile", "medium", "--out", out().toString()),
                c("zero temperature for distillation", 2, "temperatures", "reproduce", "--only", "distillation-mnist", "--temperatures", "0",
                        "--out", out().toString()),
                c("Spark settings without a Spark master", 2, "ark4j reproduce: --conf: only with --master URL (a Spark master)", "reproduce",
                        "--only", "fgsm-mnist", "--conf", "spark.executor.memory=1g", "--out", out().toString()),
                c("results folder that cannot be written", 1, "cannot write to the results folder", "reproduce", "--only", "fgsm-mnist",
                        "--out", notAFolder),
                c("unknown dataset to download", 2, "unknown dataset 'imagenet', expected mnist or cifar10", "download", "imagenet"),
                c("a model file that does not exist", 1, "ark4j evaluate: no such file or folder: " + dir().resolve("none.zip"), "evaluate",
                        dir().resolve("none.zip").toString()),
                c("a model file that is not a model", 1, "corrupt.zip: not an ark4j model", "evaluate", dir().resolve("corrupt.zip").toString()),
                c("grading without submissions", 2, "ark4j grade: Missing required option: '--submissions=<submissions>'", "grade"),
                c("zero grading time limit", 2, "ark4j grade: --timeout must be between 10 and 86400, got 0", "grade", "--submissions",
                        dir().toString(), "--timeout", "0"),
                new Case("downloading into the kit's own data folder", 2, "names the kit's own data folder", new String[]{"download", "mnist"},
                        KitFiles.locate("data").toAbsolutePath().toString()));
    }

    private static Path dir() {
        return dir;
    }

    private static Path out() {
        return out;
    }

    /** Names, sizes and modification times of every file under the folders a bad input must not touch. */
    static Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path root : new Path[]{dir, KitFiles.locate("data"), ModelCache.shippedDirectory()}) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path f : s.toList()) {
                    m.put(f.toString(), Files.isDirectory(f) ? "folder" : Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isOneLineWithItsExitCodeBeforeAnyWork(Case k) throws IOException {
        Map<String, String> before = snapshot();
        String savedData = System.getProperty(DataDirectory.PROPERTY);
        String[] args = Stream.of(k.args()).filter(a -> !a.startsWith("-Dark4j.cache=")).toArray(String[]::new);
        String cacheOverride = Stream.of(k.args()).filter(a -> a.startsWith("-Dark4j.cache=")).findFirst().map(a -> a.substring(14)).orElse(null);
        if (cacheOverride != null) {
            System.setProperty("ark4j.cache", cacheOverride);
        }
        if (k.dataProperty() != null) {
            System.setProperty(DataDirectory.PROPERTY, k.dataProperty());
        }
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();
        int code;
        try {
            CommandLine cl = Ark4j.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            code = cl.execute(args);
        } finally {
            System.setProperty("ark4j.cache", cache.toString());
            if (k.dataProperty() != null) {
                if (savedData == null) {
                    System.clearProperty(DataDirectory.PROPERTY);
                } else {
                    System.setProperty(DataDirectory.PROPERTY, savedData);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String e = err.toString().strip();
        assertEquals(k.exit(), code, e);
        assertEquals(1, e.lines().count(), "one line: " + e);
        assertTrue(e.contains(k.message()), "expected '" + k.message() + "' in: " + e);
        assertFalse(e.matches("(?s).*\\b(java|javax|org|io\\.github)\\.[a-z]+\\.[A-Za-z.]*[A-Z]\\w*(Exception|Error)\\b.*"), "no Java class name: " + e);
        assertTrue(seconds < 20, "answered before any work: " + seconds + " s");
        assertEquals(before, snapshot(), "no file changed");
    }
}
