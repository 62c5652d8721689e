package io.github.ark4j.eval;

import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Engine throughput of the four operations every experiment is made of, on one architecture at one batch size:
 * a training step, inference, one input gradient of the loss, and the 10-class logit Jacobian. Inputs are uniform
 * random images and random labels (the speed does not depend on the values). Each operation runs for a warm-up
 * second and then for the given time; the figure is samples per second over the measured calls.
 */
public final class EngineBenchmark {
    public static final String HEADER = "| model | operation | batch | samples/s | calls | peak RSS MiB |\n|---|---|---|---|---|---|";
    private final Architecture architecture;
    private final int batch;
    private final double seconds;

    public record Row(String model, String operation, int batch, double samplesPerSecond, int calls, long peakRssMiB) {
        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %d | %d |", model, operation, batch, samplesPerSecond, calls, peakRssMiB);
        }
    }

    public EngineBenchmark(Architecture architecture, int batch, double seconds) {
        this.architecture = architecture;
        this.batch = batch;
        this.seconds = seconds;
    }

    /**
     * What the engine benchmarks run on: a freshly initialised, accelerated network of {@code architecture} and one
     * batch of uniform random images with labels 0, 1, …, 9, 0, … (the speed does not depend on the values).
     */
    record Workload(MultiLayerNetwork net, INDArray x, INDArray labels) {
        static Workload of(Architecture architecture, int batch) {
            MultiLayerNetwork net = new MultiLayerNetwork(architecture.configuration(1, TrainingConfig.builder(architecture).build().updater(), 1, DataType.FLOAT));
            net.init();
            Engine.defaults().accelerate(net);
            Nd4j.getRandom().setSeed(7);
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, architecture.channels(), architecture.height(), architecture.width());
            int[] y = new int[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = i % architecture.classes();
            }
            return new Workload(net, x, io.github.ark4j.data.LabeledImages.oneHot(y, architecture.classes()));
        }

        /** The batch as DL4J's training input. */
        org.nd4j.linalg.dataset.DataSet dataSet() {
            return new org.nd4j.linalg.dataset.DataSet(x, labels);
        }
    }

    public List<Row> run() {
        Workload w = Workload.of(architecture, batch);
        MultiLayerNetwork net = w.net();
        NetworkClassifier c = new NetworkClassifier(net, architecture);
        INDArray x = w.x();
        INDArray onehot = w.labels();
        List<Row> rows = new ArrayList<>();
        org.nd4j.linalg.dataset.DataSet batchData = w.dataSet();
        rows.add(time("training step", () -> Engine.defaults().fit(net, batchData)));
        rows.add(time("inference", () -> c.logits(x)));
        rows.add(time("input gradient (loss)", () -> c.lossGradient(x, onehot, 1)));
        rows.add(time("logit Jacobian (10 classes)", () -> c.logitJacobian(x)));
        return rows;
    }

    private Row time(String op, Runnable r) {
        long warm = System.nanoTime();
        do {
            r.run();
        } while (System.nanoTime() - warm < 1e9);
        int calls = 0;
        long t0 = System.nanoTime();
        do {
            r.run();
            calls++;
        } while (System.nanoTime() - t0 < seconds * 1e9);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Row(architecture.cliName(), op, batch, calls * batch / secs, calls, peakRssMiB());
    }

    /** The process's peak resident set (VmHWM) in MiB, or -1 where /proc is not available. */
    public static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Resets the process's peak resident set (VmHWM) to its current resident set (Linux: {@code 5} to
     * {@code /proc/self/clear_refs}), so that {@link #peakRssMiB()} then gives the peak of what follows, as the PyTorch
     * peer measures each block; false where the system does not allow it.
     */
    public static boolean resetPeakRss() {
        try {
            Files.writeString(Paths.get("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether /proc/cpuinfo lists the flag ("unknown" where there is no /proc). */
    static String cpuFlag(String flag) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.asList(line.split("\\s+")).contains(flag) ? "yes" : "no";
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** The ND4J backend, BLAS, threads, native build (oneDNN or not) and CPU features in use. */
    public static String buildInfo() {
        Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
        StringBuilder sb = new StringBuilder("ND4J: ");
        sb.append("backend ").append(Nd4j.getBackend().getClass().getSimpleName());
        for (String k : new String[]{"blas.vendor", "omp.threads", "blas.threads", "cores", "os"}) {
            if (p.containsKey(k)) {
                sb.append(", ").append(k).append(' ').append(p.get(k));
            }
        }
        String build = Engine.nativeBuildInfo();
        sb.append(", native build: ").append(build.isBlank() ? "unknown" : build.replace('\n', ' ').replace("\"", "").trim());
        sb.append(", convolution: ").append(Engine.defaults().convolution());
        sb.append(", CPU AVX2: ").append(cpuFlag("avx2")).append(", AVX-512: ").append(cpuFlag("avx512f"));
        sb.append(", OMP_NUM_THREADS=").append(System.getenv("OMP_NUM_THREADS"));
        return sb.toString().replace('\n', ' ');
    }
}
