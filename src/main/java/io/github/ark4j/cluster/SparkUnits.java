package io.github.ark4j.cluster;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.experiment.Unit;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Problems;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.StageCache;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs {@link Unit}s as Spark tasks, one job of one task per unit, each submitted once the units it reads have landed,
 * and lands what they compute in the driver's model cache and its stage cache.
 *
 * <p>Each task computes its unit into a fresh folder on its executor, over the files of the units it reads (which the
 * driver sends with Spark's {@code addFile}) and the read-only layers the driver names (its own cache, the shared cache
 * and the kit's shipped models, where the executor's machine has them at the same paths), and returns the model and
 * stage files it wrote; the driver checks each file's content hash and moves it into its cache as the task ends, so a
 * run split across machines or stopped half way resumes from the cache like a run on one machine. A task lost with its
 * executor is retried by Spark from scratch: nothing it half-computed is kept.
 *
 * <p>Same numbers everywhere: executors get the driver's {@code OMP_NUM_THREADS} and {@code OPENBLAS_CORETYPE}, the
 * engine's BLAS thread count and the data root the driver reads ({@code ARK4J_DATA}: the same path must hold the same
 * data on every worker).
 */
public final class SparkUnits implements AutoCloseable {
    /** The environment a unit's numbers depend on, passed from the driver to every executor when set. */
    static final List<String> ENVIRONMENT = List.of("OMP_NUM_THREADS", "OPENBLAS_CORETYPE");

    private final JavaSparkContext spark;
    /** The names of the files sent to the executors ({@link #ship}). */
    private final Set<String> shipped = new HashSet<>();
    /** The files of each unit whose results were sent to the executors. */
    private final Map<Unit, Set<Path>> replayed = new HashMap<>();

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

    /** What one task sent back: its unit's name, the files it wrote (by path under the cache's folder) and how long it took. */
    record Computed(String unit, Map<String, byte[]> files, double seconds) implements Serializable {
    }

    /** What one unit brought: the model and stage files moved into the cache and the seconds its task computed on its executor. */
    public record Landed(String unit, List<Path> files, double seconds) {
    }

    /**
     * Computes {@code units} and the units they read ({@link Unit#reads()}) on the cluster, one Spark job of one task
     * each, and moves the model and stage files they write into {@code into}'s folder as each one ends (files it already
     * holds are left as they are). A unit's job is submitted when the units it reads have landed, with their files sent
     * to the executors: the attacks on a model start as soon as that model is in, while other models still train.
     * Spark runs the jobs in the order they are submitted (its FIFO scheduler) as executors free up. A unit that fails
     * fails the units that read it; the others run to the end, so that what they computed is kept, and then the first
     * failure is thrown. Returns, per unit, the files landed.
     */
    public List<Landed> run(List<Unit> units, ModelCache into) throws IOException {
        List<Unit> order = withReads(units);
        if (order.isEmpty()) {
            return List.of();
        }
        // where the executor's machine has them at the same paths: the driver's cache and its read-only layers
        List<String> layers = new ArrayList<>();
        layers.add(into.directory().toAbsolutePath().toString());
        into.readOnly().forEach(p -> layers.add(p.toAbsolutePath().toString()));
        Progress.log(String.format(Locale.ROOT, "ark4j: %d units on %s", order.size(), spark.master()));
        UnitProgress progress = new UnitProgress(order);
        spark.sc().addSparkListener(progress);
        ExecutorService driver = Executors.newFixedThreadPool(order.size(), r -> {
            Thread t = new Thread(r, "ark4j-unit");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Unit, Future<Landed>> jobs = new LinkedHashMap<>();
            for (int i = 0; i < order.size(); i++) {
                Unit unit = order.get(i);
                String group = UnitProgress.GROUP + i;
                List<Future<Landed>> read = unit.reads().stream().map(jobs::get).toList();
                jobs.put(unit, driver.submit(() -> {
                    for (Future<Landed> f : read) {
                        f.get();
                    }
                    ship(unit.reads(), into);
                    spark.setJobGroup(group, unit.name(), false);
                    try {
                        return land(spark.parallelize(List.of(unit), 1).map(u -> compute(u, layers)).collect().get(0), into);
                    } finally {
                        spark.clearJobGroup();
                    }
                }));
            }
            List<Landed> landed = new ArrayList<>();
            Throwable failure = null;
            for (Future<Landed> f : jobs.values()) {
                try {
                    landed.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                }
            }
            while (failure instanceof ExecutionException && failure.getCause() != null) {
                failure = failure.getCause();
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure != null) {
                throw new IOException("a unit failed on the cluster: " + Problems.describe(failure), failure);
            }
            return landed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spark.cancelAllJobs();
            throw new IOException("interrupted while the units ran", e);
        } finally {
            driver.shutdownNow();
            spark.sc().removeSparkListener(progress);
        }
    }

    /** {@code units} and, before them, every unit they read, directly or not, once each: an order in which each can run. */
    static List<Unit> withReads(List<Unit> units) {
        Set<Unit> order = new LinkedHashSet<>();
        for (Unit u : units) {
            addWithReads(u, order);
        }
        return List.copyOf(order);
    }

    private static void addWithReads(Unit unit, Set<Unit> order) {
        if (!order.contains(unit)) {
            unit.reads().forEach(r -> addWithReads(r, order));
            order.add(unit);
        }
    }

    /**
     * Sends the executors the files of the units in {@code read}: found in {@code into} (they are there: those units
     * have landed) by computing the units over it, which only reads them. An executor finds them among Spark's files for
     * this application ({@link #received}) whether or not it can see this machine's folders.
     */
    private synchronized void ship(List<Unit> read, ModelCache into) throws IOException {
        for (Unit r : read) {
            if (!replayed.containsKey(r)) {
                Set<Path> files = new LinkedHashSet<>();
                r.compute(into.observed(files::add));
                replayed.put(r, files);
            }
            for (Path f : replayed.get(r)) {
                if (shipped.add(f.getFileName().toString())) {
                    spark.sc().addFile(f.toAbsolutePath().toString());
                }
            }
        }
    }

    /** Moves the files of one task into {@code into}'s folder after checking each one's content hash. */
    private static Landed land(Computed c, ModelCache into) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : c.files().entrySet()) {
            Path target = into.directory().resolve(f.getKey()).normalize();
            if (!target.startsWith(into.directory().normalize())) {
                throw new IOException(c.unit() + ": a file outside the cache: " + f.getKey());
            }
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                AtomicFiles.write(target, tmp -> {
                    Files.write(tmp, f.getValue());
                    if (f.getKey().startsWith(ModelCache.STAGES + "/")) {
                        StageCache.verify(tmp);
                    } else {
                        ModelFile.verify(tmp);
                    }
                });
                files.add(target);
            }
        }
        return new Landed(c.unit(), files, c.seconds());
    }

    /**
     * Logs each unit as its task ends: done (how many of how many) or lost and retried by Spark. A task's unit is found by
     * its stage, whose job group names the unit's place in the run (listener events arrive asynchronously).
     */
    private static final class UnitProgress extends SparkListener {
        /** The job group of a unit's job: this prefix and the unit's index. */
        static final String GROUP = "ark4j-unit-";

        private final List<Unit> units;
        private final Map<Integer, Unit> stages = new ConcurrentHashMap<>();
        private final AtomicInteger done = new AtomicInteger();

        UnitProgress(List<Unit> units) {
            this.units = units;
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
            String group = submitted.properties() == null ? null : submitted.properties().getProperty("spark.jobGroup.id");
            if (group != null && group.startsWith(GROUP)) {
                stages.put(submitted.stageInfo().stageId(), units.get(Integer.parseInt(group.substring(GROUP.length()))));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            Unit unit = stages.get(end.stageId());
            if (unit == null) {
                return;
            }
            TaskInfo task = end.taskInfo();
            if (task.successful()) {
                Progress.log(String.format(Locale.ROOT, "ark4j: %d of %d units done: %s (executor %s, %.0f s)", done.incrementAndGet(),
                        units.size(), unit.name(), task.executorId(), task.duration() / 1e3));
            } else {
                Progress.log(String.format(Locale.ROOT, "ark4j: %s: its task on executor %s ended without a result (%s); Spark retries it",
                        unit.name(), task.executorId(), end.reason()));
            }
        }
    }

    /**
     * On an executor: computes {@code unit} into a fresh folder over the files the driver sent ({@link #received}) and
     * {@code layers}, and returns the model and stage files it wrote.
     */
    static Computed compute(Unit unit, List<String> layers) throws IOException {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        long t0 = System.nanoTime();
        // under Spark's folder for this application on the executor, which Spark removes when the executor stops
        // "." on a cluster's executors: absolute, for the links to the files the driver sent
        Path root = Paths.get(SparkFiles.getRootDirectory()).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory(root, "ark4j-unit-");
        Path received = Files.createTempDirectory(root, "ark4j-received-");
        try {
            received(root, received);
            List<Path> all = new ArrayList<>(List.of(received));
            layers.stream().map(Paths::get).forEach(all::add);
            unit.compute(new ModelCache(dir, all));
            Map<String, byte[]> files = new LinkedHashMap<>();
            collect(dir, "", ".zip", files);
            collect(dir.resolve(ModelCache.STAGES), ModelCache.STAGES + "/", ".bin", files);
            return new Computed(unit.name(), files, (System.nanoTime() - t0) / 1e9);
        } finally {
            AtomicFiles.deleteTree(dir);
            AtomicFiles.deleteTree(received);
        }
    }

    /**
     * Lays the files the driver sent (Spark keeps them side by side in {@code root}) out as a cache layer in {@code layer}:
     * models at its top, stages under {@value ModelCache#STAGES}, as links.
     */
    private static void received(Path root, Path layer) throws IOException {
        Path stages = Files.createDirectories(layer.resolve(ModelCache.STAGES));
        try (Stream<Path> s = Files.list(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".zip")) {
                    Files.createSymbolicLink(layer.resolve(name), f);
                } else if (name.endsWith(".bin")) {
                    Files.createSymbolicLink(stages.resolve(name), f);
                }
            }
        }
    }

    /** Adds the files of {@code folder} whose names end with {@code suffix} to {@code files}, under {@code prefix} + name. */
    private static void collect(Path folder, String prefix, String suffix, Map<String, byte[]> files) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                files.put(prefix + p.getFileName(), Files.readAllBytes(p));
            }
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
