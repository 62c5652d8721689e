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
        Run r = finish(start(cache, work.resolve("reference.log")), work.resolve("reference.log"));
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
        // one run killed in each phase of the work, at a random moment after the phase began: every run resumes from
        // what the ones before left, so delays drawn over a whole run's length would mostly outlast the rest of it
        String[] phases = {"", "ark4j: training", "computing FGSM-adversarial", "computing NAI-mutants", "computing NAI-label-changes"};
        for (int k = 0; k < phases.length; k++) {
            Path log = work.resolve("killed-" + k + ".log");
            Process p = start(cache, log);
            long began = System.nanoTime();
            while (p.isAlive() && !phases[k].isEmpty() && !(Files.exists(log) && Files.readString(log).contains(phases[k]))) {
                Thread.sleep(10);
            }
            long delayMs = phases[k].isEmpty() ? 500 + random.nextInt(1500) : random.nextInt(300);
            if (!p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
                p.waitFor();
                String out = Files.readString(log);
                killedIn.add((System.nanoTime() - began) / 1_000_000 + " ms after start, in "
                        + out.lines().filter(l -> l.startsWith("ark4j: ") || l.startsWith("computing ")).reduce((a, b) -> b).orElse("start-up"));
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
