package io.github.ark4j.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command line as a process of its own: started in a folder that is not the checkout, it finds the kit's embedded
 * data from its installation and writes only to the cache; given less memory than the full profile needs, it says so
 * before any work.
 */
@Tag("slow")
class CommandLineProcessTest {

    static ProcessBuilder ark4j(Path workingFolder, Path log, String memoryLimit, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + memoryLimit,
                "-cp", withoutSparkLogging(System.getProperty("java.class.path")), Ark4j.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingFolder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb;
    }

    /**
     * The class path without Spark's SLF4J binding (log4j2), which the tests have from Spark's provided artifacts and the
     * kit's command line does not: with two bindings SLF4J reports them on standard error before any ark4j output.
     */
    static String withoutSparkLogging(String classPath) {
        return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("log4j-slf4j2-impl"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    @Test
    void trainingFromAnotherFolderReadsTheEmbeddedDataAndWritesNothingThere(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path cache = dir.resolve("cache");
        ProcessBuilder pb = ark4j(elsewhere, dir.resolve("out.log"), "1800m", "train", "--model", "lenet5", "--epochs", "1", "--seed", "4");
        pb.environment().remove("ARK4J_DATA");
        pb.environment().put("ARK4J_CACHE", cache.toString());
        pb.environment().put("XDG_DATA_HOME", dir.resolve("no-user-data").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(dir.resolve("out.log"));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("lenet5 trained on mnist-train (6000 images)"), "the embedded 6,000-image subset: " + out);
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertEquals(List.of(), s.toList(), "nothing written in the working folder");
        }
        try (Stream<Path> s = Files.list(cache)) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith("lenet5-T1-e1-")), "the model is in the cache");
        }
    }

    @Test
    void theFullProfileInTheQuickProfilesMemorySaysSoBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        Process p = ark4j(dir, dir.resolve("out.log"), "1800m", "reproduce", "--profile", "full", "--only", "fgsm-mnist", "--out", out.toString()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String log = Files.readString(dir.resolve("out.log")).strip();
        assertEquals(2, p.exitValue(), log);
        assertTrue(log.startsWith("ark4j reproduce: the full profile needs up to 8 GB of memory, and this JVM is limited to 1.9 GB"), log);
        assertEquals(1, log.lines().count(), log);
        assertFalse(Files.exists(out), "nothing written");
    }
}
