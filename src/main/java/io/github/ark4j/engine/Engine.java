package io.github.ark4j.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine's one door: it makes a DL4J network fast to train ({@link #accelerate}) and turns a trained network into a
 * fast differentiable one ({@link #differentiable}) or an inference copy ({@link #sharedCopy}) whose forward and backward passes serve logits, input gradients
 * and Jacobians. Everything behind it (the convolution helper, the input-gradient dense layers, the max pooling that
 * keeps its maxima, the ReLU whose backward pass reads the forward output) is package-private. The reasons for each part and their measurements are in
 * {@code docs/engine-design.md}.
 *
 * <p>An engine is an immutable option set: {@code Engine.defaults()} uses the fastest convolution of the native build
 * in use; {@code Engine.builder().convolution(Convolution.BUILT_IN).build()} runs DL4J's own code, the reference every
 * fast path is tested against. Nothing process-wide changes when an engine or a network is made; the one process-wide
 * setting, the BLAS thread count, is {@link #useBlasThreads}, called once at start-up by the command line and the
 * notebooks' {@code Profile.current()}.
 */
public final class Engine {
    /**
     * BLAS threads for the oneDNN build: the convolutions run on libnd4j's OpenMP threads and BLAS serves only the
     * dense layers' small products, while OpenBLAS keeps a thread pool of its own whose threads spin-wait for work
     * against the OpenMP threads on the same cores. One thread makes MNIST gradients, inference, training and the
     * gradient attacks faster on two cores and leaves CIFAR-10 within noise ({@code ark4j bench}).
     */
    public static final int DEFAULT_BLAS_THREADS = 1;
    private static final Engine DEFAULTS = builder().build();

    /** How convolution layers are computed. */
    public enum Convolution {
        /** oneDNN's convolution primitives, kept per layer and shape (the {@code onednn} build of ND4J ships oneDNN). */
        ONEDNN,
        /** im2col into a reused buffer + one BLAS GEMM per layer and direction (any build). */
        GEMM,
        /** DL4J's own layers, untouched: the reference the fast paths are tested against. */
        BUILT_IN;

        /** ONEDNN when the native build has oneDNN (its build info says HAVE_ONEDNN), else GEMM. */
        public static Convolution best() {
            return nativeBuildInfo().contains("HAVE_ONEDNN") ? ONEDNN : GEMM;
        }
    }

    private final Convolution convolution;

    private Engine(Builder b) {
        this.convolution = b.convolution;
    }

    /** The fastest engine of the native build in use. */
    public static Engine defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Convolution convolution() {
        return convolution;
    }

    /**
     * Makes {@code network} itself (the one that will be trained) compute its convolutions with this engine's
     * convolution, its dense layers with the engine's (whose backward pass in {@link #fit} takes the forward pass's
     * pre-activations) and, on the oneDNN build, its max pooling with the engine's (whose backward pass reads where
     * the forward pass found the maxima); returns how many layers changed. Parameters, configuration and results (within float
     * rounding, see the engine tests) are unchanged.
     */
    public int accelerate(MultiLayerNetwork network) {
        if (convolution == Convolution.BUILT_IN) {
            return FastConvolution.uninstall(network) + TrainingDenseLayer.uninstall(network) + MaxPoolingLayer.uninstall(network);
        }
        return FastConvolution.install(network, convolution, false) + TrainingDenseLayer.install(network)
                + (convolution == Convolution.ONEDNN ? MaxPoolingLayer.install(network, false) : MaxPoolingLayer.uninstall(network));
    }

    /**
     * One training step of {@code network} on {@code batch}, as {@code network.fit(batch)} and with the same resulting
     * parameters bit for bit, without computing each convolution and dense layer twice: the backward pass takes the
     * pre-activations of the step's forward pass (for the ReLU and identity activations of an {@link #accelerate
     * accelerated} network).
     */
    public void fit(MultiLayerNetwork network, org.nd4j.linalg.dataset.api.DataSet batch) {
        FastConvolution.trainingStep(network, () -> network.fit(batch));
    }

    /**
     * A copy of {@code network} that runs on this engine and shares its parameters (no copy of them: training or
     * mutating the network in place moves the copy); the network itself is unchanged. For inference on a caller's
     * network.
     */
    public MultiLayerNetwork sharedCopy(MultiLayerNetwork network) {
        MultiLayerNetwork copy = new MultiLayerNetwork(network.getLayerWiseConfigurations().clone());
        copy.init(network.params(), false);
        accelerate(copy);
        return copy;
    }

    /**
     * A fast differentiable view of a trained network whose last layer outputs the logits (identity activation). The
     * view shares the network's parameters (training the network moves it) and leaves the network itself unchanged.
     */
    public DifferentiableNetwork differentiable(MultiLayerNetwork trained) {
        return new DifferentiableNetwork(trained, this);
    }

    /**
     * Sets the BLAS library's thread count for the whole process (OpenBLAS has one pool). Call once at start-up;
     * {@link #DEFAULT_BLAS_THREADS} is the measured best for this engine.
     */
    public static void useBlasThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BLAS threads must be at least 1, got " + threads);
        }
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** The native library's build description (compiler, BLAS, oneDNN), or "" if it cannot be read. */
    public static String nativeBuildInfo() {
        try {
            // ND4J loads the native library: reading the holder first would leave it uninitialisable for the process
            Nd4j.getExecutioner();
            return String.valueOf(org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo());
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "engine (convolution " + convolution + ")";
    }

    public static final class Builder {
        private Convolution convolution = Convolution.best();

        private Builder() {
        }

        public Builder convolution(Convolution c) {
            this.convolution = java.util.Objects.requireNonNull(c, "convolution");
            return this;
        }

        public Engine build() {
            return new Engine(this);
        }
    }
}
