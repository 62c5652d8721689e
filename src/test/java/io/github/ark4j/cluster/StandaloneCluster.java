package io.github.ark4j.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers started as separate JVMs from the Spark jars on
 * this JVM's class path (the Maven artifacts; nothing is downloaded), each with its own log file. The workers start their
 * executors from a Spark home of their own ({@code SPARK_HOME} with an empty {@code jars/}: the executors' class path is
 * {@code spark.executor.extraClassPath}). {@link #close} stops every process it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path home;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final String url;

    /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} (e.g. "3g") each. */
    StandaloneCluster(Path home, int workers, int cores, String memory) throws IOException, InterruptedException {
        this.home = home;
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        int port = freePort();
        this.url = "spark://127.0.0.1:" + port;
        this.master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        try {
            awaitLog("master", "I have been elected leader", STARTUP);
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(home.resolve("work-" + i));
                this.workers.add(start("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                        String.valueOf(cores), "--memory", memory, "--work-dir", work.toString(), "--webui-port", String.valueOf(freePort()), url)));
            }
            for (int i = 1; i <= workers; i++) {
                awaitLog("worker-" + i, "Successfully registered with master", STARTUP);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How long a master or worker may take to start: minutes on a loaded 2-core machine. */
    private static final Duration STARTUP = Duration.ofMinutes(3);

    /** The master's URL, {@code spark://127.0.0.1:port}. */
    String url() {
        return url;
    }

    /** The log of a process started here ("master", "worker-1", ...). */
    Path log(String name) {
        return home.resolve(name + ".log");
    }

    /** The folder a worker starts its executors in. */
    Path workDirectory(int worker) {
        return home.resolve("work-" + worker);
    }

    /** Kills worker {@code i} (1-based) and the executors it started, as a machine that fails would: no clean shutdown. */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i - 1);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
        w.waitFor(30, TimeUnit.SECONDS);
    }

    private Process start(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + Paths.get("tools", "spark.jvm-options").toAbsolutePath());
        cmd.add("-Xmx512m");
        cmd.add("-Dark4j.cluster.home=" + home);
        cmd.add("-cp");
        // without slf4j-simple (ND4J's logger): Spark then logs through its own log4j2 configuration
        cmd.add(Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Paths.get(e).getFileName().toString().startsWith("slf4j-simple")).collect(Collectors.joining(File.pathSeparator)));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // no Hadoop, no user-level Spark settings of the machine: only what the test passes
        env.remove("SPARK_CONF_DIR");
        env.remove("HADOOP_CONF_DIR");
        return pb.start();
    }

    private void awaitLog(String name, String line, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log(name)) && Files.readString(log(name)).contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(name + " did not log '" + line + "' within " + timeout.toSeconds() + " s; its log:\n"
                + (Files.exists(log(name)) ? Files.readString(log(name)) : "(none)"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The processes of this cluster still running: those whose command line names its folder (master and workers carry
     * it as a system property, executors in their class path's configuration folder). None after {@link #close}.
     */
    List<ProcessHandle> running() {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        List<Process> all = new ArrayList<>(workers);
        all.add(master);
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : all) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
