package io.github.ark4j.cluster;

import io.github.ark4j.engine.Engine;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.Distillation;
import io.github.ark4j.experiment.ModelUnit;
import io.github.ark4j.experiment.MutationDetection;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Unit;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.util.Sha256;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distillation sweep's units on a real Spark standalone cluster (a master and two workers on 127.0.0.1, started from
 * the Maven artifacts) against the same units computed in this process: the same model files with the same parameters
 * and updater state, bit for bit, also when a worker is killed while it trains and Spark retries its task elsewhere; the
 * quick MNIST experiments' measurement and detection stages, phase after phase, byte for byte the in-process ones and
 * read by the experiments without computing anything again; and no process of the cluster left afterwards.
 */
@Tag("slow")
class SparkClusterTest {
    @TempDir
    Path tmp;

    /** MNIST distillation on the embedded training images, one epoch per model: the undistilled net and T = 1, 20, 100. */
    private static final List<Unit> SWEEP = List.of(
            new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, Double.NaN, 1),
            new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, 1, 1),
            new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, 20, 1),
            new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, 100, 1));

    /**
     * The quick MNIST distillation and detection experiments' units: their models ship with the kit (phase 0, found in
     * the shipped layer), the sweep's measurement shards, the detection's adversarial groups and mutants (phase 1) and
     * its label changes (phase 2).
     */
    private static final List<Unit> STAGES = Stream.concat(new Distillation(Dataset.MNIST).units(Profile.QUICK).stream(),
            new MutationDetection(Dataset.MNIST).units(Profile.QUICK).stream()).toList();

    @Test
    void theSweepOnAClusterEqualsTheSweepInProcessAlsoWhenAWorkerDies() throws Exception {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        Path inProcess = tmp.resolve("in-process");
        for (Unit u : SWEEP) {
            u.compute(new ModelCache(inProcess));
        }
        Map<String, String> expected = digests(inProcess);
        assertEquals(7, expected.size(), "one undistilled net and three teachers and students: " + expected.keySet());

        StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("cluster"), 2, 1, "3g");
        try (cluster) {
            Path whole = tmp.resolve("whole-run");
            try (SparkUnits spark = new SparkUnits(cluster.url(), executorSettings())) {
                assertEquals(7, landed(spark.run(SWEEP, new ModelCache(whole))));
            }
            assertEquals(expected, digests(whole), "the cluster's models equal the in-process ones");

            Path stagesInProcess = tmp.resolve("stages-in-process");
            for (Unit u : STAGES.stream().sorted(java.util.Comparator.comparingInt(Unit::phase)).toList()) {
                u.compute(new ModelCache(stagesInProcess, List.of(ModelCache.shippedDirectory())));
            }
            Map<String, String> expectedStages = stageDigests(stagesInProcess);
            // 4 models' measurement shards; 5 adversarial groups, 4 operators' mutants, 5 sources' label changes
            assertEquals(4 + 5 + 4 + 5, expectedStages.size(), expectedStages.keySet().toString());
            Path stagesOnCluster = tmp.resolve("stages-on-cluster");
            try (SparkUnits spark = new SparkUnits(cluster.url(), executorSettings())) {
                assertEquals(expectedStages.size(), landed(spark.run(STAGES, new ModelCache(stagesOnCluster, List.of(ModelCache.shippedDirectory())))));
                String app = spark.context().sc().applicationId();
                assertTrue(executorLogs(cluster, app).matches("(?s).*the model from \\S*/ark4j-received-\\S*/lenet5-.*"),
                        "the executors read the model under test from the files the driver sent them");
            }
            assertEquals(expectedStages, stageDigests(stagesOnCluster), "the cluster's stages equal the in-process ones, byte for byte");
            assertExperimentsReadEveryStage(stagesOnCluster, expectedStages);


            Path killed = tmp.resolve("killed-worker");
            ExecutorService driver = Executors.newSingleThreadExecutor();
            try (SparkUnits spark = new SparkUnits(cluster.url(), executorSettings())) {
                AtomicInteger failedTasks = new AtomicInteger();
                spark.context().sc().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd end) {
                        if (!end.taskInfo().successful()) {
                            failedTasks.incrementAndGet();
                        }
                    }
                });
                Future<List<SparkUnits.Landed>> run = driver.submit(() -> spark.run(SWEEP, new ModelCache(killed)));
                awaitTraining(cluster.workDirectory(2).resolve(spark.context().sc().applicationId()), Duration.ofMinutes(3));
                cluster.killWorker(2);
                assertEquals(7, landed(run.get(10, TimeUnit.MINUTES)));
                assertTrue(failedTasks.get() >= 1, "the killed worker's task failed and was retried");
            } finally {
                driver.shutdownNow();
            }
            assertEquals(expected, digests(killed), "the models after a worker died equal the in-process ones");

        }
        assertEquals(List.of(), cluster.running(), "no process of the cluster is left");
    }

    /** The experiments run over {@code cache} as {@code reproduce} runs them after the units: every stage read, none computed. */
    private static void assertExperimentsReadEveryStage(Path cache, Map<String, String> stages) throws IOException {
        String before = System.getProperty("ark4j.cache");
        System.setProperty("ark4j.cache", cache.toString());
        try {
            assertFalse(new Distillation(Dataset.MNIST).run(Profile.QUICK).claims().isEmpty());
            assertFalse(new MutationDetection(Dataset.MNIST).run(Profile.QUICK).claims().isEmpty());
        } finally {
            if (before == null) {
                System.clearProperty("ark4j.cache");
            } else {
                System.setProperty("ark4j.cache", before);
            }
        }
        assertEquals(stages, stageDigests(cache), "no stage computed again or added");
    }

    /** Everything the executors of application {@code app} wrote to standard error, on every worker. */
    private static String executorLogs(StandaloneCluster cluster, String app) throws IOException {
        StringBuilder logs = new StringBuilder();
        for (int w = 1; w <= 2; w++) {
            Path work = cluster.workDirectory(w).resolve(app);
            if (Files.isDirectory(work)) {
                try (Stream<Path> s = Files.walk(work)) {
                    for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                        logs.append(Files.readString(p));
                    }
                }
            }
        }
        return logs.toString();
    }

    /** Stage file name -> SHA-256 of its bytes. */
    private static Map<String, String> stageDigests(Path cache) throws IOException {
        Map<String, String> d = new TreeMap<>();
        try (Stream<Path> s = Files.list(cache.resolve(ModelCache.STAGES))) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".bin")).toList()) {
                d.put(p.getFileName().toString(), Sha256.of(Files.readAllBytes(p)));
            }
        }
        return d;
    }

    private static int landed(List<SparkUnits.Landed> units) {
        return units.stream().mapToInt(u -> u.files().size()).sum();
    }

    /** Executors of one core on the kit's class path in place (same machine), with room for DL4J's native memory. */
    private static Map<String, String> executorSettings() {
        return Map.of("spark.executor.extraClassPath", System.getProperty("java.class.path"),
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.ui.enabled", "false",
                "spark.executor.cores", "1",
                "spark.cores.max", "2",
                "spark.executor.memory", "1g",
                "spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=3g");
    }

    /** Waits until an executor under {@code work} (one application's folder on a worker) logs that it trains a model. */
    private static void awaitTraining(Path work, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!Files.isDirectory(work)) {
                Thread.sleep(200);
                continue;
            }
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                    if (Files.readString(p).contains("ark4j: training")) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no executor under " + work + " started training within " + timeout.toSeconds() + " s");
    }

    /** Model file name -> digest of its parameters and updater state. */
    private static Map<String, String> digests(Path cache) throws IOException {
        Map<String, String> d = new TreeMap<>();
        try (Stream<Path> s = Files.list(cache)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".zip")).toList()) {
                ModelFile.Loaded m = ModelFile.load(p);
                d.put(p.getFileName().toString(), Sha256.of(m.network().params()) + " " + Sha256.of(m.network().getUpdater().getStateViewArray()));
            }
        }
        return d;
    }
}
