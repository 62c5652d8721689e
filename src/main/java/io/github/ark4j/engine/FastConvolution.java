package io.github.ark4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * A faster CPU convolution for DL4J 1.0.0-M2.1's {@code ConvolutionLayer}, plugged in through the layer's own helper
 * slot (the one cuDNN/oneDNN use; on CPU it stays empty because DL4J's oneDNN helper is dead code in M2.1: it
 * reflects on a class name that M2.1 no longer ships).
 *
 * <p>Why: profiling a Papernot-MNIST training step (ND4J's op profiler) showed 52% of the time in {@code im2col}
 * writing into the permuted [B,OH,OW,C,kH,kW] layout DL4J asks for (≈300 ms for the 32→32 layer at batch 128, 8x the
 * same op into a contiguous buffer), and most of the rest in GEMMs and in allocating and first touching fresh
 * off-heap buffers. Two strategies, chosen by the ND4J build in use:
 * <ul>
 * <li><b>oneDNN</b> (the {@code linux-x86_64-onednn-avx2} build, the project's default on Linux x86-64): oneDNN's
 * convolution primitives, the library PyTorch's CPU convolutions use, called directly and kept per layer and shape
 * ({@link OneDnnConvolution}); float32 only (other types take DL4J's built-in path).</li>
 * <li><b>GEMM</b> (any other build): im2col into a contiguous reusable buffer, permuted once to [C·kH·kW, B·OH·OW],
 * then one BLAS GEMM per layer and direction for the whole batch:
 * <pre>forward   Z = W · col(X) + bias
 * backward  ∂W = δ · col(X)ᵀ,   ∂bias = Σ δ,   ∂X = col2im(Wᵀ · δ)</pre>
 * The columns of the last forward pass are kept for the backward passes that follow it (training, and the K
 * backward passes of a Jacobian).</li>
 * </ul>
 * Only NCHW without dilation is handled; anything else returns null and DL4J falls back to its built-in path.
 * Both strategies are tested against the built-in path and against finite differences.
 */
final class FastConvolution implements ConvolutionHelper {
    /**
     * Temporaries shared by all layers of a thread, grown on demand and reused: a fresh off-heap array of tens of MB
     * costs more to allocate and first touch (page faults) than the GEMM that fills it.
     */
    private static final ThreadLocal<java.util.Map<String, INDArray>> SCRATCH = ThreadLocal.withInitial(java.util.HashMap::new);
    /** DL4J's ConvolutionLayer.helper, the slot cuDNN/oneDNN helpers use. */
    private static final Field HELPER_FIELD = helperField();
    private final Engine.Convolution strategy;
    /**
     * Backward passes compute ∂X only, not ∂W and ∂bias: for networks that are never trained, whose backward passes
     * serve input gradients and Jacobians (attacks). On the oneDNN build only the backward-data primitive runs; on the
     * GEMM path the ∂W GEMM is skipped.
     */
    private final boolean inputGradientOnly;
    private INDArray lastInput;
    private INDArray lastColumns;
    private INDArray columnsBuffer;
    /** The last forward pass: its input, parameters and output (the activation f(z) by the time a backward pass reads it: fused, or
     * applied by DL4J in place). */
    private INDArray forwardInput;
    private INDArray forwardWeights;
    private INDArray forwardBias;
    private INDArray forwardOutput;
    /**
     * The forward outputs of a forward-reusable layer, written into this layer's own buffer (grown on demand) instead
     * of a fresh array per pass: a fresh array is fresh memory, and its page faults cost more than the convolution
     * (below). Each pass overwrites the last one's output, which only the backward passes of that last pass read.
     */
    private INDArray ownOutputBuffer;
    /** Set while {@link #backwardAfterForward} runs a backward pass of this layer's network. */
    private boolean inBackwardAfterForward;
    /** Whether the layer's activation lets a backward pass differentiate it from the forward output ({@link #derivativeFromOutput}). */
    private final boolean derivativeFromOutput;
    /** Set while {@link #trainingStep} runs a training step of this layer's network. */
    private boolean inTrainingStep;
    /**
     * The forward pass of the running training step, until its backward pass takes it: input, parameters and output
     * (f(z) by the time the backward pass reads it: the ReLU fused, or DL4J's activation applied in place).
     */
    private INDArray stepInput;
    private INDArray stepWeights;
    private INDArray stepBias;
    private INDArray stepOutput;
    /** How many backward passes took their pre-activations from their step's forward pass (for the tests). */
    private long stepReuses;

    /** The layer's oneDNN primitives (the ONEDNN strategy). */
    private final OneDnnConvolution oneDnn;
    /** Whether the layer is its network's first, whose input gradient a training step does not read. */
    private final boolean firstLayer;
    /** The layer's configuration: its activation and its input dropout, read on every forward pass. */
    private final org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf;
    /**
     * The last output computed with the ReLU fused into the convolution (oneDNN build), until DL4J asks for its
     * activation ({@link #activate}), which is then that array itself.
     */
    private INDArray fusedOutput;

    private FastConvolution(Engine.Convolution strategy, boolean inputGradientOnly, boolean derivativeFromOutput, boolean firstLayer,
                            org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf) {
        this.strategy = strategy;
        this.oneDnn = strategy == Engine.Convolution.ONEDNN ? new OneDnnConvolution() : null;
        this.firstLayer = firstLayer;
        this.conf = conf;
        this.inputGradientOnly = inputGradientOnly;
        this.derivativeFromOutput = derivativeFromOutput;
    }

    /**
     * Installs the helper on every convolution layer; returns how many layers got it. An input-gradient-only helper's
     * backward passes leave the parameter gradients uncomputed (stale): for a network that is only differentiated with
     * respect to its input, never trained.
     */
    static int install(MultiLayerNetwork network, Engine.Convolution strategy, boolean inputGradientOnly) {
        int n = 0;
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && l.getClass() == ConvolutionLayer.class) {
                org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) c.conf().getLayer();
                IActivation afn = conf.getActivationFn();
                setHelper(c, new FastConvolution(strategy, inputGradientOnly, derivativeFromOutput(afn), l.getIndex() == 0, conf));
                if (inputGradientOnly && new ActivationReLU().equals(afn)) {
                    conf.setActivationFn(new FastBackwardRelu()); // same forward pass, faster backward pass
                }
                n++;
            }
        }
        return n;
    }

    /**
     * True for the activations whose derivative DL4J computes the same from the activation a = f(z) as from z: the
     * plain ReLU (its backward pass multiplies by [z &gt; 0], and ReLU(z) &gt; 0 exactly when z &gt; 0) and the
     * identity (derivative 1). DL4J applies the activation in place on the array the helper returned, so a kept
     * forward output holds f(z) by the time a backward pass asks for z.
     */
    static boolean derivativeFromOutput(IActivation afn) {
        return afn instanceof ActivationIdentity || new ActivationReLU().equals(afn);
    }

    /** The plain ReLU, max(z, 0): DL4J's with its default parameters, or {@link FastBackwardRelu}. */
    private static boolean plainRelu(IActivation afn) {
        return afn.getClass() == FastBackwardRelu.class || afn.getClass() == ActivationReLU.class && new ActivationReLU().equals(afn);
    }

    /**
     * Runs {@code backward}, a backward pass of {@code network} right after its forward pass, with each convolution
     * layer taking its pre-activation from that forward pass. DL4J 1.0.0-M2.1's {@code ConvolutionLayer} recomputes
     * its whole forward convolution in every backward pass only to differentiate its activation; for the
     * input-gradient-only layers with a ReLU or identity activation that
     * recomputation is skipped (a layer whose input or parameters are not the forward pass's objects recomputes as
     * before). The network's {@link InputGradientDenseLayer}s likewise take f'(z) from the forward output and compute
     * the input gradient only. The caller guarantees that input and parameters were not changed in place since the
     * forward pass.
     */
    static <T> T backwardAfterForward(MultiLayerNetwork network, java.util.function.Supplier<T> backward) {
        java.util.List<FastConvolution> helpers = new java.util.ArrayList<>();
        java.util.List<InputGradientDenseLayer> dense = new java.util.ArrayList<>();
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && helper(c) instanceof FastConvolution f && f.forwardReusable()) {
                helpers.add(f);
            } else if (l instanceof InputGradientDenseLayer d) {
                dense.add(d);
            }
        }
        helpers.forEach(f -> f.inBackwardAfterForward = true);
        dense.forEach(d -> d.inBackwardAfterForward = true);
        try {
            return backward.get();
        } finally {
            helpers.forEach(f -> f.inBackwardAfterForward = false);
            dense.forEach(d -> d.inBackwardAfterForward = false);
        }
    }

    /**
     * Runs {@code step}, one training step of {@code network} ({@code fit} on one batch: a forward pass through every
     * layer, then a backward pass), with each convolution layer whose activation is the plain ReLU or the identity
     * taking the pre-activation its backward pass needs from the step's forward pass, instead of computing the
     * convolution again as DL4J 1.0.0-M2.1's {@code ConvolutionLayer} does (a fifth of a Papernot net's step,
     * docs/performance.md). The gradients are the same bits: the derivative of the ReLU is [z &gt; 0], and ReLU(z) &gt; 0
     * exactly when z &gt; 0. Within a step each layer's first convolution is the forward pass, which is kept, and its
     * second the backward pass's, which takes it if input and parameters are the same objects (the forward output
     * lives in DL4J's activation workspace until the backward pass ends); nothing is kept after the step, so a step
     * never sees another step's output, whatever the updater changed in place. For the step's duration the plain
     * ReLUs of these layers are differentiated by {@link FastBackwardRelu} (ε ⊙ [a &gt; 0] as a mask and a product,
     * 2–3x faster than libnd4j's {@code relu_bp}), which may leave −0 where DL4J writes +0 (equal as numbers): the
     * parameters and the updater's state after a step are those of {@code fit}, bit for bit in the engine's tests.
     * The network's {@link TrainingDenseLayer}s do the same for their pre-activations, and the first layer's input
     * gradient, which nothing reads, is not computed (on the oneDNN build).
     */
    static void trainingStep(MultiLayerNetwork network, Runnable step) {
        java.util.List<FastConvolution> helpers = new java.util.ArrayList<>();
        // the plain ReLUs of these layers, differentiated by FastBackwardRelu for the step (DL4J's configuration, which
        // a saved model records, gets its own activation back after the step)
        java.util.Map<org.deeplearning4j.nn.conf.layers.ConvolutionLayer, IActivation> relus = new java.util.LinkedHashMap<>();
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && helper(c) instanceof FastConvolution f && f.derivativeFromOutput && !f.inputGradientOnly) {
                helpers.add(f);
                org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) c.conf().getLayer();
                if (conf.getActivationFn().getClass() == ActivationReLU.class && new ActivationReLU().equals(conf.getActivationFn())) {
                    relus.put(conf, conf.getActivationFn());
                }
            }
        }
        java.util.List<TrainingDenseLayer> dense = new java.util.ArrayList<>();
        for (Layer l : network.getLayers()) {
            if (l instanceof TrainingDenseLayer d) {
                dense.add(d);
            }
        }
        helpers.forEach(f -> f.inTrainingStep = true);
        dense.forEach(d -> d.inTrainingStep = true);
        relus.keySet().forEach(conf -> conf.setActivationFn(new FastBackwardRelu()));
        try {
            step.run();
        } finally {
            relus.forEach(org.deeplearning4j.nn.conf.layers.ConvolutionLayer::setActivationFn);
            helpers.forEach(f -> {
                f.inTrainingStep = false;
                f.forgetStepForward();
            });
            dense.forEach(d -> {
                d.inTrainingStep = false;
                d.forgetStepForward();
            });
        }
    }

    /**
     * Whether a backward pass in {@link #backwardAfterForward} may take the layer's pre-activation from the forward
     * pass before it: only for input-gradient-only layers whose activation is the plain ReLU or the identity (below).
     */
    private boolean forwardReusable() {
        return inputGradientOnly && derivativeFromOutput;
    }

    /**
     * How many backward passes of {@code network}'s training steps took the forward pass's pre-activations, in its
     * convolution layers and in its dense layers.
     */
    static long[] stepReuses(MultiLayerNetwork network) {
        long[] n = new long[2];
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && helper(c) instanceof FastConvolution f) {
                n[0] += f.stepReuses;
            } else if (l instanceof TrainingDenseLayer d) {
                n[1] += d.stepReuses;
            }
        }
        return n;
    }

    /** How many forward passes of {@code network}'s convolutions read their input in oneDNN's layout from the one before. */
    static long handedOnInputs(MultiLayerNetwork network) {
        long n = 0;
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && helper(c) instanceof FastConvolution f) {
                n += f.handedOnInputs();
            }
        }
        return n;
    }

    private void forgetStepForward() {
        stepInput = null;
        stepWeights = null;
        stepBias = null;
        stepOutput = null;
    }

    /** Removes the helper, restoring DL4J's built-in convolution; returns how many layers changed. */
    static int uninstall(MultiLayerNetwork network) {
        int n = 0;
        for (Layer l : network.getLayers()) {
            if (l instanceof ConvolutionLayer c && l.getClass() == ConvolutionLayer.class) {
                setHelper(c, null);
                n++;
            }
        }
        return n;
    }

    private static void setHelper(ConvolutionLayer layer, ConvolutionHelper helper) {
        try {
            HELPER_FIELD.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot install the convolution helper", e);
        }
    }

    /** The layer's helper (read on every {@link #backwardAfterForward}, hence the field resolved once). */
    private static ConvolutionHelper helper(ConvolutionLayer layer) {
        try {
            return (ConvolutionHelper) HELPER_FIELD.get(layer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the convolution helper", e);
        }
    }

    private static Field helperField() {
        try {
            Field f = ConvolutionLayer.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's ConvolutionLayer has no 'helper' field (expected 1.0.0-M2.1)", e);
        }
    }

    private boolean supported(INDArray input, INDArray weights, int[] dilation, CNN2DFormat format, ConvolutionMode mode) {
        return format == CNN2DFormat.NCHW && dilation[0] == 1 && dilation[1] == 1 && mode != ConvolutionMode.Same
                && (strategy != Engine.Convolution.ONEDNN || OneDnnConvolution.supports(input, weights));
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode algoMode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, weights, dilation, format, convolutionMode)) {
            return null;
        }
        if (inBackwardAfterForward && input == forwardInput && weights == forwardWeights && bias == forwardBias) {
            return forwardOutput;
        }
        boolean stepForward = false;
        if (inTrainingStep) {
            if (stepOutput != null) { // the backward pass of the step
                INDArray z = stepOutput;
                boolean same = input == stepInput && weights == stepWeights && bias == stepBias;
                forgetStepForward();
                if (same) {
                    stepReuses++;
                    return z;
                }
            } else {
                stepForward = true;
            }
        }
        long[] outShape = {input.size(0), weights.size(0), (input.size(2) + 2L * pad[0] - kernel[0]) / strides[0] + 1,
                (input.size(3) + 2L * pad[1] - kernel[1]) / strides[1] + 1};
        INDArray out = forwardReusable() && !inBackwardAfterForward ? ownOutput(input.dataType(), outShape)
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), outShape, 'c');
        INDArray z = strategy == Engine.Convolution.ONEDNN ? oneDnnForward(input, weights, bias, strides, pad, out)
                : gemmForward(input, weights, bias, kernel, strides, pad, out);
        // an output in a workspace is kept only by a copy (its memory is reused after the pass): recompute those
        if (forwardReusable() && !inBackwardAfterForward) {
            boolean kept = !z.isAttached();
            forwardInput = kept ? input : null;
            forwardWeights = weights;
            forwardBias = bias;
            forwardOutput = kept ? z : null;
        }
        if (stepForward) {
            stepInput = input;
            stepWeights = weights;
            stepBias = bias;
            stepOutput = z;
        }
        return z;
    }

    /**
     * A [B, C, H, W] view of this layer's own output buffer, kept across passes: fresh output arrays are handed back
     * to the operating system between passes and cost thousands of page faults per pass when touched again, more
     * than the convolution itself at small batches (docs/engine-design.md).
     */
    private INDArray ownOutput(org.nd4j.linalg.api.buffer.DataType dt, long[] shape) {
        long n = shape[0] * shape[1] * shape[2] * shape[3];
        if (ownOutputBuffer == null || ownOutputBuffer.length() < n || ownOutputBuffer.dataType() != dt) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ownOutputBuffer = Nd4j.createUninitialized(dt, n);
            }
        }
        return ownOutputBuffer.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
    }

    private INDArray gemmForward(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                                 INDArray z) {
        int b = (int) input.size(0);
        int outC = (int) weights.size(0);
        INDArray col = columns(input, kernel, strides, pad, true);
        long oh = col.size(4);
        long ow = col.size(5);
        INDArray zt = scratch("output", input.dataType(), outC * b * oh * ow).reshape('c', outC, b * oh * ow);
        Nd4j.gemm(weights.reshape('c', outC, col.size(0) * col.size(1) * col.size(2)), columnMatrix(col), zt, false, false, 1.0, 0.0);
        z.reshape('c', b, outC, oh * ow).assign(zt.reshape('c', outC, b, oh * ow).permute(1, 0, 2));
        if (bias != null) {
            Nd4j.getExecutioner().exec(new BroadcastAddOp(z, bias.reshape(outC), z, 1));
        }
        return z;
    }

    /**
     * The im2col columns of this input as [C, kH, kW, B, OH, OW] (c order), so that one GEMM covers the whole batch.
     * A forward pass always recomputes them (the caller may have changed the input in place); a backward pass reuses
     * those of the forward pass on the same input array. ND4J's im2col is 7x slower writing into a permuted buffer
     * than into a contiguous [B, C, kH, kW, OH, OW] one, so it writes contiguously and one copy permutes.
     */
    private INDArray columns(INDArray input, int[] kernel, int[] strides, int[] pad, boolean forward) {
        if (!forward && input == lastInput && lastColumns != null) {
            return lastColumns;
        }
        long b = input.size(0);
        long c = input.size(1);
        long oh = (input.size(2) + 2L * pad[0] - kernel[0]) / strides[0] + 1;
        long ow = (input.size(3) + 2L * pad[1] - kernel[1]) / strides[1] + 1;
        long ckk = c * kernel[0] * kernel[1];
        INDArray batchMajor = scratch("im2col", input.dataType(), b * ckk * oh * ow).reshape('c', b, c, kernel[0], kernel[1], oh, ow);
        INDArray in = contiguous(input);
        Convolution.im2col(in, kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], 1, 1, false, batchMajor);
        long n = b * ckk * oh * ow;
        if (columnsBuffer == null || columnsBuffer.length() < n || columnsBuffer.dataType() != input.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                columnsBuffer = Nd4j.createUninitialized(input.dataType(), n);
            }
        }
        INDArray col = columnsBuffer.get(NDArrayIndex.interval(0, n)).reshape('c', c, kernel[0], kernel[1], b, oh, ow);
        col.reshape('c', ckk, b, oh * ow).assign(batchMajor.reshape('c', b, ckk, oh * ow).permute(1, 0, 2));
        lastInput = input;
        lastColumns = col;
        return col;
    }

    /** [C·kH·kW, B·OH·OW] view of the columns. */
    private static INDArray columnMatrix(INDArray col) {
        return col.reshape('c', col.size(0) * col.size(1) * col.size(2), col.size(3) * col.size(4) * col.size(5));
    }

    /** A reusable temporary of n elements (contents undefined), under a name so that live temporaries do not collide. */
    private static INDArray scratch(String name, org.nd4j.linalg.api.buffer.DataType dt, long n) {
        java.util.Map<String, INDArray> pool = SCRATCH.get();
        String key = name + "/" + dt;
        INDArray buf = pool.get(key);
        if (buf == null || buf.length() < n) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                buf = Nd4j.createUninitialized(dt, n);
            }
            pool.put(key, buf);
        }
        return buf.get(NDArrayIndex.interval(0, n));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode algoMode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, weights, dilation, format, convolutionMode)) {
            return null;
        }
        fusedOutput = null; // a backward pass's recomputed output is not activated by DL4J
        if (strategy == Engine.Convolution.ONEDNN) {
            return oneDnnBackward(input, weights, bias, delta, strides, pad, biasGradView, weightGradView, workspaceMgr);
        }
        long b = input.size(0);
        int outC = (int) weights.size(0);
        int inC = (int) weights.size(1);
        long ckk = (long) inC * kernel[0] * kernel[1];
        INDArray dw2d = Shape.newShapeNoCopy(weightGradView, new long[]{outC, ckk}, false);
        if (dw2d == null) {
            return null; // the gradient view cannot be written through a 2-d view; let DL4J do it
        }
        INDArray col = columns(input, kernel, strides, pad, false);
        long oh = col.size(4);
        long ow = col.size(5);
        // δ as [O, B·OH·OW]
        INDArray dt = scratch("delta", input.dataType(), outC * b * oh * ow).reshape('c', outC, b * oh * ow);
        INDArray d = contiguous(delta);
        dt.reshape('c', outC, b, oh * ow).assign(d.reshape('c', b, outC, oh * ow).permute(1, 0, 2));
        if (!inputGradientOnly) {
            Nd4j.gemm(dt, columnMatrix(col), dw2d, false, true, 1.0, 0.0);
        }
        INDArray dcol = scratch("dcol", input.dataType(), ckk * b * oh * ow).reshape('c', ckk, b * oh * ow);
        Nd4j.gemm(weights.reshape('c', outC, ckk), dt, dcol, true, false, 1.0, 0.0);
        INDArray dcolBatchMajor = scratch("im2col", input.dataType(), b * ckk * oh * ow).reshape('c', b, inC, kernel[0], kernel[1], oh, ow);
        dcolBatchMajor.reshape('c', b, ckk, oh * ow).assign(dcol.reshape('c', ckk, b, oh * ow).permute(1, 0, 2));
        Gradient g = new DefaultGradient();
        if (bias != null) {
            if (!inputGradientOnly) {
                biasGradView.assign(dt.sum(1).reshape(biasGradView.shape()));
            }
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        Convolution.col2im(dcolBatchMajor, epsNext, strides[0], strides[1], pad[0], pad[1], (int) input.size(2), (int) input.size(3), 1, 1);
        return new Pair<>(g, epsNext);
    }

    /**
     * The array itself when its elements lie one after the other in c order — views at an offset included, such as the
     * layers' parameter views and their own output buffers ({@link #ownOutput}) — else a c-order copy. Copying every
     * view would cost two activation-sized and eight weight copies per forward-and-backward pass of the MNIST net.
     */
    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    /**
     * The forward pass on oneDNN. A plain ReLU is fused into the convolution (one pass over the output fewer; the
     * values are DL4J's ReLU's, which {@link #activate} then hands back as they are), and a ReLU or identity output
     * is handed on in oneDNN's layout to the next convolution, which takes it when its input is that array and it has
     * no input dropout (DL4J may apply dropout in place).
     */
    private INDArray oneDnnForward(INDArray input, INDArray weights, INDArray bias, int[] strides, int[] pad, INDArray z) {
        IActivation afn = conf.getActivationFn();
        boolean relu = plainRelu(afn);
        oneDnn.forward(contiguous(input), contiguous(weights), bias == null ? null : contiguous(bias), strides, pad, relu,
                conf.getIDropout() == null, relu || afn instanceof ActivationIdentity, z);
        fusedOutput = relu ? z : null;
        return z;
    }

    private Pair<Gradient, INDArray> oneDnnBackward(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                    int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        INDArray x = contiguous(input);
        INDArray w = contiguous(weights);
        INDArray d = contiguous(delta);
        Gradient g = new DefaultGradient();
        if (inputGradientOnly) {
            oneDnn.backwardData(x, w, bias != null, d, strides, pad, epsNext);
        } else {
            INDArray dw = contiguous(weightGradView) == weightGradView ? weightGradView
                    : scratch("gradW", weights.dataType(), weights.length()).reshape('c', weights.shape());
            INDArray db = bias == null ? null : contiguous(biasGradView) == biasGradView ? biasGradView
                    : scratch("gradB", bias.dataType(), bias.length());
            // the first layer's input gradient is read by nobody in a training step
            oneDnn.backward(x, w, d, strides, pad, dw, db, inTrainingStep && firstLayer ? null : epsNext);
            if (dw != weightGradView) {
                weightGradView.assign(dw);
            }
            if (db != null && db != biasGradView) {
                biasGradView.assign(db.reshape(biasGradView.shape()));
            }
        }
        if (bias != null) {
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        return new Pair<>(g, epsNext);
    }

    /** The output itself where the forward pass fused the ReLU into the convolution; otherwise null: DL4J applies the activation. */
    @Override
    public INDArray activate(INDArray z, IActivation activationFn, boolean training) {
        INDArray fused = fusedOutput;
        fusedOutput = null;
        return z == fused && plainRelu(activationFn) ? z : null;
    }

    /** How many forward passes of this layer read their input from the previous convolution's output in oneDNN's layout. */
    long handedOnInputs() {
        return oneDnn == null ? 0 : oneDnn.handedOnInputs();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of("columns", lastColumns == null ? 0L : lastColumns.length() * lastColumns.dataType().width());
    }

    @Override
    public boolean checkSupported() {
        return true;
    }
}
