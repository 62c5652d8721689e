package io.github.ark4j.cluster;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.experiment.Unit;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs {@link Unit}s as Spark tasks, one task per unit, and lands what they compute in the driver's model cache.
 *
 * <p>Each task computes its unit into a fresh folder on its executor, over the read-only layers the driver names (its
 * own cache, the shared cache and the kit's shipped models, where the executor's machine has them), and returns the
 * model files it wrote; the driver checks each file's content hash and moves it into its cache, so a run split across
 * machines or stopped half way resumes from the cache like a run on one machine. A task lost with its executor is
 * retried by Spark from scratch: nothing it half-computed is kept.
 *
 * <p>Same numbers everywhere: executors get the driver's {@code OMP_NUM_THREADS} and {@code OPENBLAS_CORETYPE}, the
 * engine's BLAS thread count and the data root the driver reads ({@code ARK4J_DATA}: the same path must hold the same
 * data on every worker).
 */
public final class SparkUnits implements AutoCloseable {
    /** The environment a unit's numbers depend on, passed from the driver to every executor when set. */
    static final List<String> ENVIRONMENT = List.of("OMP_NUM_THREADS", "OPENBLAS_CORETYPE");

    private final JavaSparkContext spark;

    /** Connects to {@code master} (e.g. {@code spark://host:7077} or {@code local[2]}) with the settings of {@link #conf}. */
    public SparkUnits(String master, Map<String, String> settings) {
        // Spark logs through the kit's slf4j-simple: its warnings only, before its first logger exists
        System.setProperty("org.slf4j.simpleLogger.log.org.apache", "warn");
        this.spark = new JavaSparkContext(conf(master, settings));
    }

    /**
     * The Spark settings for ark4j's executors: the driver's thread environment and data root, and {@code settings}
     * on top (e.g. {@code spark.executor.memory}, or {@code spark.executor.extraClassPath} where the kit sits at the same
     * path on every worker).
     */
    static SparkConf conf(String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("ark4j reproduce")
                // a unit is one task: several minutes to hours, nothing to gain from locality waits
                .set("spark.locality.wait", "0s")
                .set("spark.executorEnv." + DataDirectory.ENVIRONMENT, DataDirectory.resolve().toAbsolutePath().toString());
        for (String name : ENVIRONMENT) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                conf.set("spark.executorEnv." + name, v);
            }
        }
        settings.forEach(conf::set);
        return conf;
    }

    /**
     * How executors get the kit: its jar and runtime dependencies (the jar's manifest class path; in a development
     * build, this process's class path) as {@code spark.jars}, which the executors fetch from this process; or, with
     * {@code inPlace}, as {@code spark.executor.extraClassPath}, where the same paths hold the kit on every worker. Spark's
     * own jars are left out: the cluster brings them. Also the executors' memory: the full profile's heap and native
     * limits, as the launcher gives it.
     */
    public static Map<String, String> kitSettings(boolean inPlace) throws IOException {
        List<String> jars = kitClassPath();
        Map<String, String> settings = new LinkedHashMap<>();
        if (inPlace) {
            settings.put("spark.executor.extraClassPath", String.join(java.io.File.pathSeparator, jars));
        } else {
            settings.put("spark.jars", String.join(",", jars));
        }
        settings.put("spark.executor.memory", "3g");
        settings.put("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=8g");
        return settings;
    }

    /** The kit's class path without Spark: its jar and the jar's manifest class path, or this process's class path. */
    static List<String> kitClassPath() throws IOException {
        Path code;
        try {
            code = Paths.get(SparkUnits.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("the kit's location: " + e.getMessage(), e);
        }
        List<String> entries = new ArrayList<>();
        if (Files.isRegularFile(code)) {
            entries.add(code.toString());
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(code.toFile())) {
                String manifestPath = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
                if (manifestPath != null) {
                    for (String e : manifestPath.trim().split("\\s+")) {
                        entries.add(code.resolveSibling(e).toString());
                    }
                }
            }
        } else {
            entries.addAll(List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        }
        return entries.stream().filter(e -> !Paths.get(e).getFileName().toString().matches("spark-.*|scala-.*")).toList();
    }

    /** What one task sent back: its unit's name, the model files it wrote and how long it took. */
    record Computed(String unit, Map<String, byte[]> files, double seconds) implements Serializable {
    }

    /** What one unit brought: the model files moved into the cache and the seconds its task computed on its executor. */
    public record Landed(String unit, List<Path> files, double seconds) {
    }

    /**
     * Computes {@code units} on the cluster, one task each, and moves the model files they wrote into {@code into}'s
     * folder (files it already holds are left as they are). Returns, per unit, the files landed.
     */
    public List<Landed> run(List<Unit> units, ModelCache into) throws IOException {
        List<Unit> distinct = List.copyOf(new LinkedHashSet<>(units));
        if (distinct.isEmpty()) {
            return List.of();
        }
        List<String> layers = new ArrayList<>();
        layers.add(into.directory().toAbsolutePath().toString());
        ModelCache.sharedDirectory().ifPresent(p -> layers.add(p.toAbsolutePath().toString()));
        layers.add(ModelCache.shippedDirectory().toAbsolutePath().toString());
        Progress.log(String.format(Locale.ROOT, "ark4j: %d units on %s", distinct.size(), spark.master()));
        UnitProgress progress = new UnitProgress(distinct);
        spark.sc().addSparkListener(progress);
        List<Computed> computed;
        try {
            computed = spark.parallelize(distinct, distinct.size()).map(u -> compute(u, layers)).collect();
        } finally {
            spark.sc().removeSparkListener(progress);
        }
        List<Landed> landed = new ArrayList<>();
        for (Computed c : computed) {
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : c.files().entrySet()) {
                Path target = into.directory().resolve(f.getKey());
                if (!Files.exists(target)) {
                    AtomicFiles.write(target, tmp -> {
                        Files.write(tmp, f.getValue());
                        ModelFile.verify(tmp);
                    });
                    files.add(target);
                }
            }
            landed.add(new Landed(c.unit(), files, c.seconds()));
        }
        return landed;
    }

    /** Logs each unit as its task ends: done (how many of how many) or lost and retried by Spark. */
    private static final class UnitProgress extends SparkListener {
        private final List<Unit> units;
        private final AtomicInteger done = new AtomicInteger();

        UnitProgress(List<Unit> units) {
            this.units = units;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            TaskInfo task = end.taskInfo();
            String unit = units.get(task.index()).name();
            if (task.successful()) {
                Progress.log(String.format(Locale.ROOT, "ark4j: %d of %d units done: %s (executor %s, %.0f s)", done.incrementAndGet(),
                        units.size(), unit, task.executorId(), task.duration() / 1e3));
            } else {
                Progress.log(String.format(Locale.ROOT, "ark4j: %s: its task on executor %s ended without a result (%s); Spark retries it",
                        unit, task.executorId(), end.reason()));
            }
        }
    }

    /** On an executor: computes {@code unit} into a fresh folder over {@code layers} and returns the model files it wrote. */
    static Computed compute(Unit unit, List<String> layers) throws IOException {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        long t0 = System.nanoTime();
        // under Spark's folder for this application on the executor, which Spark removes when the executor stops
        Path dir = Files.createTempDirectory(Paths.get(SparkFiles.getRootDirectory()), "ark4j-unit-");
        try {
            unit.compute(new ModelCache(dir, layers.stream().map(Paths::get).toList()));
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".zip")).sorted().toList()) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
            return new Computed(unit.name(), files, (System.nanoTime() - t0) / 1e9);
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    /** The Spark context, for listeners. */
    JavaSparkContext context() {
        return spark;
    }

    @Override
    public void close() {
        spark.stop();
    }
}
