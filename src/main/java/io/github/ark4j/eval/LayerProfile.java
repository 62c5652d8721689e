package io.github.ark4j.eval;

import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's, an input gradient's or a Jacobian's time goes, by kind of work: the kit's training step
 * ({@link Engine#fit}), a loss input gradient ({@link Operation#INPUT_GRADIENT}) or a 10-class logit Jacobian
 * ({@link Operation#LOGIT_JACOBIAN}) runs on random images for a while under Java Flight Recorder's sampling (every
 * 10 ms, in Java and in native code), and each sample of the calling thread is attributed by its stack to the work it
 * was in: a convolution's forward pass, its backward pass, the forward pre-activations DL4J's convolution layer
 * computes again at the start of its backward pass (where the engine does not spare it that), a pooling layer, a dense
 * layer, the output layer and its loss, the ReLUs, dropout, the updater, or the rest (DL4J's bookkeeping, the
 * gradient's flattening, Java). Times are the call's time split by the shares of samples; the arithmetic of
 * convolutions and dense layers (multiply-adds counted as two FLOPs; a training step's backward pass computes the input
 * and the weight gradient, twice the forward's; an input gradient's the input gradient only; a Jacobian's ten input
 * gradients) gives the rate each reaches, against this machine's float32 matrix-product rate (OpenBLAS {@code sgemm}
 * on all cores) as the roofline. The oneDNN worker threads are not sampled: the calling thread waits in native code
 * while they run, and counts for them.
 */
public final class LayerProfile {
    /** The kinds of work a call is split into. */
    public enum Work {
        CONVOLUTION_FORWARD("convolution forward"), CONVOLUTION_RECOMPUTED("convolution forward, recomputed in the backward pass"),
        CONVOLUTION_BACKWARD("convolution backward"),
        POOLING_FORWARD("max pooling forward"), POOLING_BACKWARD("max pooling backward"),
        DENSE_FORWARD("dense forward"), DENSE_BACKWARD("dense backward"),
        OUTPUT("output layer and loss, both passes"), ACTIVATION("ReLU, both passes"), DROPOUT("dropout, both passes"),
        UPDATER("updater (Nesterov momentum)"), REST("rest: DL4J bookkeeping, gradient flattening, Java");

        final String label;

        Work(String label) {
            this.label = label;
        }
    }

    /** What is profiled. */
    public enum Operation {
        /** The kit's training step ({@code Engine.fit}). */
        TRAINING_STEP("training step", "org.deeplearning4j.nn.multilayer.MultiLayerNetwork.fit"),
        /**
         * One loss input gradient, as the attacks ask for it ({@code NetworkClassifier.lossGradient}): a forward pass of the
         * gradient view and one backward pass that computes ∂X only.
         */
        INPUT_GRADIENT("loss input gradient", "io.github.ark4j.model.NetworkClassifier."),
        /**
         * One 10-class logit Jacobian ({@code NetworkClassifier.logitJacobian}): a forward pass of the gradient view and
         * one backward pass per class that computes ∂X only.
         */
        LOGIT_JACOBIAN("10-class logit Jacobian", "io.github.ark4j.model.NetworkClassifier.");

        final String label;
        /** A frame every sample of this operation has on its stack. */
        private final String frame;

        Operation(String label, String frame) {
            this.label = label;
            this.frame = frame;
        }
    }

    /** The profile of one network at one batch size: samples per kind of work, the call's time and the FLOPs per call. */
    public record Result(String model, Operation operation, int batch, double stepMs, Map<Work, Integer> samples, Map<Work, Double> mflop,
                         double gemmGflops) {
        public int totalSamples() {
            return samples.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Milliseconds per step spent in {@code w}. */
        public double ms(Work w) {
            return stepMs * samples.getOrDefault(w, 0) / Math.max(1, totalSamples());
        }

        public String markdown() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "%s, batch %d: %s %.1f ms (%.0f samples/s), %d stack samples; this machine's sgemm %.0f GFLOP/s%n%n",
                    model, batch, operation.label, stepMs, batch / stepMs * 1e3, totalSamples(), gemmGflops));
            sb.append("| work | ms per call | share | MFLOP per call | GFLOP/s | of sgemm's rate |\n|---|---|---|---|---|---|\n");
            double flop = 0;
            for (Work w : Work.values()) {
                double f = mflop.getOrDefault(w, 0.0);
                flop += f;
                double ms = ms(w);
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f%% | %s | %s | %s |%n", w.label, ms, 100 * ms / stepMs,
                        f == 0 ? "–" : String.format(Locale.ROOT, "%.0f", f),
                        f == 0 || ms == 0 ? "–" : String.format(Locale.ROOT, "%.0f", f / ms),
                        f == 0 || ms == 0 ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * f / ms / gemmGflops)));
            }
            sb.append(String.format(Locale.ROOT, "| whole %s | %.2f | 100%% | %.0f | %.0f | %.0f%% |%n", operation.label, stepMs, flop, flop / stepMs,
                    100 * flop / stepMs / gemmGflops));
            return sb.toString();
        }
    }

    private LayerProfile() {
    }

    /**
     * Profiles {@code operation} on a freshly initialised network of {@code architecture} (as {@link EngineBenchmark}
     * builds it) with random images and labels: a warm-up second, then {@code seconds} of calls under sampling.
     */
    public static Result run(Architecture architecture, int batch, double seconds, Operation operation) throws IOException {
        EngineBenchmark.Workload w = EngineBenchmark.Workload.of(architecture, batch);
        MultiLayerNetwork net = w.net();
        INDArray x = w.x();
        org.nd4j.linalg.dataset.DataSet batchData = w.dataSet();
        NetworkClassifier classifier = new NetworkClassifier(net, architecture);
        Runnable call = switch (operation) {
            case TRAINING_STEP -> () -> Engine.defaults().fit(net, batchData);
            case INPUT_GRADIENT -> () -> classifier.lossGradient(x, w.labels(), 1).close();
            case LOGIT_JACOBIAN -> () -> classifier.logitJacobian(x).close();
        };
        long warm = System.nanoTime();
        do {
            call.run();
        } while (System.nanoTime() - warm < 1e9);
        Map<Work, Double> mflop = flops(net, x, operation);
        Path file = Files.createTempFile("ark4j-layer-profile", ".jfr");
        int steps = 0;
        long t0;
        long t1;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            t0 = System.nanoTime();
            do {
                call.run();
                steps++;
            } while (System.nanoTime() - t0 < seconds * 1e9);
            t1 = System.nanoTime();
            recording.stop();
            recording.dump(file);
        }
        Map<Work, Integer> samples = new EnumMap<>(Work.class);
        long thread = Thread.currentThread().getId();
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getStackTrace() == null || e.getThread("sampledThread") == null || e.getThread("sampledThread").getJavaThreadId() != thread) {
                    continue;
                }
                List<String> frames = e.getStackTrace().getFrames().stream().map(LayerProfile::frame).toList();
                if (frames.stream().anyMatch(f -> f.startsWith(operation.frame))) {
                    samples.merge(classify(frames), 1, Integer::sum);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return new Result(architecture.cliName(), operation, batch, (t1 - t0) / 1e6 / steps, samples, mflop, gemmGflops(2048, 3));
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /**
     * The work a sample was in, from its stack ("class.method", innermost first): the layer it is in decides (a frame
     * of a convolution layer or of ark4j's convolution helper, of a pooling layer, of the output layer or its loss, or
     * of another DL4J layer: dense), inside it the ReLUs and dropout count apart, and a layer's backward pass is one
     * below a {@code backpropGradient} frame; outside the layers, the updater or the rest. The convolution helper's
     * frames that wrap a whole step or backward pass ({@code trainingStep}, {@code backwardAfterForward}) say nothing.
     */
    static Work classify(List<String> frames) {
        boolean backward = frames.stream().anyMatch(f -> f.endsWith(".backpropGradient") || f.endsWith(".calcBackpropGradients"));
        if (frames.stream().anyMatch(f -> f.startsWith("org.nd4j.linalg.activations.") || f.startsWith("io.github.ark4j.engine.FastBackwardRelu."))) {
            return Work.ACTIVATION;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.conf.dropout."))) {
            return Work.DROPOUT;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.")
                || f.startsWith("io.github.ark4j.engine.FastConvolution.") && !f.endsWith(".trainingStep") && !f.endsWith(".backwardAfterForward"))) {
            if (!backward) {
                return Work.CONVOLUTION_FORWARD;
            }
            // DL4J's convolution layer computes its pre-activations again at the start of its backward pass
            return frames.stream().anyMatch(f -> f.endsWith(".preOutput") || f.endsWith(".preOutput4d")) ? Work.CONVOLUTION_RECOMPUTED
                    : Work.CONVOLUTION_BACKWARD;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.layers.convolution.subsampling.")
                || f.startsWith("io.github.ark4j.engine.MaxPoolingLayer."))) {
            return backward ? Work.POOLING_BACKWARD : Work.POOLING_FORWARD;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.layers.BaseOutputLayer.")
                || f.startsWith("org.deeplearning4j.nn.layers.OutputLayer.") || f.startsWith("org.nd4j.linalg.lossfunctions.")
                || f.startsWith("io.github.ark4j.model.TemperatureCrossEntropy"))) {
            return Work.OUTPUT;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.layers.BaseLayer.")
                || f.startsWith("org.deeplearning4j.nn.layers.feedforward.dense.") || f.startsWith("io.github.ark4j.engine.InputGradientDenseLayer."))) {
            return backward ? Work.DENSE_BACKWARD : Work.DENSE_FORWARD;
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.deeplearning4j.nn.updater.") || f.startsWith("org.nd4j.linalg.learning."))) {
            return Work.UPDATER;
        }
        return Work.REST;
    }

    /**
     * FLOPs per call of the convolutions' and dense layers' passes: the arithmetic the operation needs, so none for a
     * recomputation of the forward pass. A training step's backward pass computes ∂W and ∂X (twice the forward FLOPs;
     * the output layer's three passes under {@link Work#OUTPUT}) except the first layer's ∂X, which nothing reads (once);
     * an input gradient's computes ∂X only (once the forward FLOPs), its last layer being the gradient view's dense
     * logits layer; a Jacobian's ten backward passes compute ∂X only (ten times the forward FLOPs).
     */
    static Map<Work, Double> flops(MultiLayerNetwork net, INDArray x, Operation operation) {
        Map<Work, Double> out = new EnumMap<>(Work.class);
        List<INDArray> activations = net.feedForward(x, false);
        Layer[] layers = net.getLayers();
        for (int l = 0; l < layers.length; l++) {
            double f = forwardFlop(layers[l], activations.get(l + 1).shape()) / 1e6;
            if (f == 0) {
                continue;
            }
            boolean conv = layers[l].getParam("W").rank() == 4;
            boolean training = operation == Operation.TRAINING_STEP;
            if (training && l == layers.length - 1) {
                out.merge(Work.OUTPUT, 3 * f, Double::sum);
            } else {
                out.merge(conv ? Work.CONVOLUTION_FORWARD : Work.DENSE_FORWARD, f, Double::sum);
                double backward = switch (operation) {
                    case TRAINING_STEP -> l > 0 ? 2 * f : f;
                    case INPUT_GRADIENT -> f;
                    case LOGIT_JACOBIAN -> 10 * f;
                };
                out.merge(conv ? Work.CONVOLUTION_BACKWARD : Work.DENSE_BACKWARD, backward, Double::sum);
            }
        }
        return out;
    }

    /** FLOPs of one forward pass of a convolution (weights [out, in, kh, kw]) or dense layer (weights [in, out]); 0 otherwise. */
    static double forwardFlop(Layer layer, long[] output) {
        INDArray w = layer.getParam("W");
        if (w == null) {
            return 0;
        }
        if (w.rank() == 4) {
            return 2.0 * output[0] * w.size(0) * w.size(1) * w.size(2) * w.size(3) * output[2] * output[3];
        }
        return 2.0 * output[0] * w.size(0) * w.size(1);
    }

    /** The float32 rate of an n×n×n matrix product (OpenBLAS on all cores), best of {@code tries}, in GFLOP/s. */
    static double gemmGflops(int n, int tries) {
        Engine.useBlasThreads(Runtime.getRuntime().availableProcessors());
        try {
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray c = Nd4j.create(DataType.FLOAT, n, n);
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double best = 0;
            for (int t = 0; t < tries; t++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                best = Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t0));
            }
            return best;
        } finally {
            Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        }
    }
}
