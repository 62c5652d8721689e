package io.github.ark4j.experiment;

import io.github.ark4j.util.EntryLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The model and stage caches under real processes: four JVMs on one empty cache train the model once and compute each
 * stage once, and a run killed (SIGKILL) at seeded random moments and started again ends with the uninterrupted run's
 * files, byte for byte, and no temporary file left.
 */
@Tag("slow")
class CacheProcessesTest {
    @TempDir
    static Path work;
    /** The uninterrupted run's cache files (relative name → bytes) and its result line. */
    static Map<String, byte[]> reference;
    static String referenceResult;
    static double referenceSeconds;

    record Run(int exit, String out) {
        String result() {
            return out.lines().filter(l -> l.startsWith("result ")).findFirst().orElse("none");
        }

        long count(String line) {
            return out.lines().filter(l -> l.startsWith(line)).count();
        }
    }

    static Process start(Path cache, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dorg.bytedeco.javacpp.maxbytes=2g", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), CacheWorker.class.getName(), cache.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    static Run finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "worker finished");
        return new Run(p.exitValue(), Files.readString(log));
    }

    /** The cache's entries (no lock files), by path relative to the cache. */
    static Map<String, byte[]> files(Path cache) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(cache)) {
            for (Path f : s.filter(Files::isRegularFile).filter(f -> !f.toString().contains(EntryLock.LOCKS)).toList()) {
                m.put(cache.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return m;
    }

    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "the same cache entries and no temporary or corrupt file");
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name + " byte for byte"));
    }

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        Path cache = work.resolve("reference");
        long t0 = System.nanoTime();
        Run r = finish(start(cache, work.resolve("reference.log")), work.resolve("reference.log"));
        referenceSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.exit(), r.out());
        assertEquals(1, r.count("ark4j: training"), r.out());
        referenceResult = r.result();
        reference = files(cache);
        assertEquals(4, reference.size(), "the model and three stages: " + reference.keySet());
    }

    @Test
    void fourProcessesOnOneEmptyCacheComputeEachEntryOnce() throws Exception {
        Path cache = work.resolve("shared");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(start(cache, work.resolve("shared-" + i + ".log")));
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(finish(ps.get(i), work.resolve("shared-" + i + ".log")));
        }
        String all = runs.stream().map(Run::out).reduce("", String::concat);
        for (Run r : runs) {
            assertEquals(0, r.exit(), r.out());
            assertEquals(referenceResult, r.result(), "every process gets the uninterrupted run's result");
        }
        assertEquals(1, runs.stream().mapToLong(r -> r.count("ark4j: training")).sum(), "the model is trained once:\n" + all);
        for (String stage : List.of("FGSM-adversarial", "NAI-mutants", "NAI-label-changes")) {
            assertEquals(1, runs.stream().mapToLong(r -> r.count("computing " + stage)).sum(), stage + " is computed once:\n" + all);
        }
        assertTrue(all.contains("ark4j: waiting for another run computing"), "the others waited, and said so:\n" + all);
        assertSameFiles(reference, files(cache));
    }

    @Test
    void aRunKilledAtRandomMomentsResumesToTheUninterruptedFiles() throws Exception {
        Path cache = work.resolve("killed");
        Random random = new Random(20261206L);
        List<String> killedIn = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            // anywhere from JVM start-up to the end of the last stage of an uninterrupted run
            long delayMs = (long) (1000 * (0.5 + random.nextDouble() * referenceSeconds));
            Path log = work.resolve("killed-" + k + ".log");
            Process p = start(cache, log);
            if (!p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
                p.waitFor();
                String out = Files.readString(log);
                killedIn.add(delayMs + " ms after " + out.lines().filter(l -> l.startsWith("ark4j: ") || l.startsWith("computing "))
                        .reduce((a, b) -> b).orElse("start-up"));
            }
        }
        Run last = finish(start(cache, work.resolve("killed-last.log")), work.resolve("killed-last.log"));
        assertEquals(0, last.exit(), last.out());
        assertEquals(referenceResult, last.result(), "resumed after kills: " + killedIn);
        assertTrue(killedIn.size() >= 3, "at least three runs were killed before finishing: " + killedIn);
        assertSameFiles(reference, files(cache));
        System.out.println("killed: " + String.join("; ", killedIn));
        assertFalse(Arrays.asList(cache.toFile().list()).stream().anyMatch(n -> n.contains(".part")), "no temporary file left");
    }
}
