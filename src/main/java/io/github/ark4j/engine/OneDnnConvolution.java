package io.github.ark4j.engine;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One convolution layer's oneDNN primitives (forward, backward data, backward weights), created once per shape and
 * kept across calls, run on the caller's NCHW float32 arrays.
 *
 * <p>Why not libnd4j's {@code conv2d} ops, which run the same oneDNN kernels: every call of those re-creates its
 * primitive descriptors, allocates fresh buffers for the blocked layouts oneDNN computes in (and for the output, which
 * it also converts before the convolution overwrites it), and {@code conv2d_bp} computes the input gradient even where
 * nobody reads it. With oneDNN's verbose log the kernels themselves take the same time as PyTorch's on the Papernot
 * MNIST net; the rest of a call was conversions and allocations (docs/performance.md). Here the descriptors, the
 * primitives and the conversions (reorders) are made once per shape, the blocked copies live in per-thread buffers
 * reused by every layer, and a backward pass computes only the gradients asked for.
 *
 * <p>Between two convolutions the activation crosses the layout boundary twice: the first converts its blocked output
 * to NCHW for DL4J, the second converts that array back. A forward pass may therefore fuse a ReLU into the convolution
 * (oneDNN's post-op: max(z, 0) on each result before it is stored, the same value DL4J's ReLU computes) and hand its
 * output on: the next forward pass on this thread whose input is that very array reads the blocked copy instead of
 * converting it again. The copy stays valid only until the next call on the thread, and only the caller knows
 * whether anything wrote into the array between the two layers (DL4J's dropout may, in place): the caller says when
 * an output may be handed on and when an input may be taken from one.
 *
 * <p>The mathematics is the layer's, in NCHW with weights [O, C, kH, kW] (cross-correlation, zero padding):
 * <pre>forward   Z[b,o,y,x] = bias[o] + Σ_{c,i,j} W[o,c,i,j] · X[b, c, y·sH + i − pH, x·sW + j − pW]
 * backward  ∂X = Σ over the same terms of W · δ,   ∂W[o,c,i,j] = Σ_{b,y,x} δ[b,o,y,x] · X[b, c, y·sH + i − pH, x·sW + j − pW],
 *           ∂bias[o] = Σ_{b,y,x} δ[b,o,y,x]</pre>
 */
final class OneDnnConvolution {
    /**
     * Blocked-layout copies of activations, weights and gradients, per thread and role, grown on demand and shared by
     * every layer: a call is over before the next one starts, and a fresh buffer per call costs page faults.
     */
    private static final ThreadLocal<Map<String, INDArray>> SCRATCH = ThreadLocal.withInitial(java.util.HashMap::new);
    /**
     * Scratch roles. A call holds at most one input-shaped array (the input, or ∂X once the weights' pass has read the
     * input) and one output-shaped array (the output, or δ) in blocked layout, plus the weights and their gradient.
     */
    private static final String INPUT_SIDE = "input";
    private static final String OUTPUT_SIDE = "output";
    private static final String WEIGHTS = "weights";
    private static final String WEIGHT_GRADIENT = "weightGradient";
    /**
     * The last forward output of this thread that the next forward pass may read in the layout it was computed in:
     * the NCHW array handed to the next layer, the blocked layout and the scratch role holding the copy.
     */
    private static final ThreadLocal<HandedOn> HANDED_ON = new ThreadLocal<>();

    private record HandedOn(INDArray array, memory.desc layout, String role) {
    }

    /** How many forward passes of this layer read their input from the previous layer's blocked output (for the tests). */
    private long handedOnInputs;
    /** Shapes kept per layer: a training batch, a last partial batch, an attack's batch. */
    private static final int PLANS_KEPT = 4;

    private final Map<Shape, Plan> plans = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, Plan> eldest) {
            return size() > PLANS_KEPT;
        }
    };

    /** Whether this class can run a convolution on these arrays: float32 (oneDNN's CPU convolutions have no float64). */
    static boolean supports(INDArray input, INDArray weights) {
        return input.dataType() == DataType.FLOAT && weights.dataType() == DataType.FLOAT;
    }

    /** Z = conv(X, W) + bias into {@code z}; all arrays c-order and contiguous, bias null for none. */
    void forward(INDArray x, INDArray w, INDArray bias, int[] strides, int[] pad, INDArray z) {
        forward(x, w, bias, strides, pad, false, false, false, z);
    }

    /**
     * Z = conv(X, W) + bias, or ReLU(Z) when {@code relu}, into {@code z}; all arrays c-order and contiguous, bias null
     * for none. {@code takeHandedOn}: the input may be read from the blocked copy of the previous forward pass's output
     * when it is that array (nothing wrote into it since). {@code handOn}: {@code z} reaches the next layer unchanged,
     * so its blocked copy may serve that layer's forward pass.
     */
    void forward(INDArray x, INDArray w, INDArray bias, int[] strides, int[] pad, boolean relu, boolean takeHandedOn, boolean handOn,
                 INDArray z) {
        Plan p = plan(x, w, bias != null, strides, pad);
        Plan.Forward f = p.forward(relu);
        stream s = OneDnn.stream();
        HandedOn last = HANDED_ON.get();
        HANDED_ON.remove();
        memory src;
        String dstRole = OUTPUT_SIDE;
        if (takeHandedOn && last != null && last.array() == x && f.src.converts() && last.layout().equals(f.src.layout)) {
            // the previous layer's blocked output is this input: read it where it is, write the output in the other buffer
            src = f.src.blockedIn(last.role());
            dstRole = OUTPUT_SIDE.equals(last.role()) ? INPUT_SIDE : OUTPUT_SIDE;
            handedOnInputs++;
        } else {
            src = f.src.in(s, x, INPUT_SIDE);
        }
        memory wei = f.weights.in(s, w, WEIGHTS);
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_WEIGHTS, wei);
        if (bias != null) {
            args.put(dnnl.DNNL_ARG_BIAS, p.bias.bind(bias));
        }
        args.put(dnnl.DNNL_ARG_DST, f.dst.outBuffer(z, dstRole));
        f.primitive.execute(s, args);
        f.dst.out(s, z);
        s._wait();
        OneDnn.keepReachable(x, w, bias, z);
        if (handOn && f.dst.converts()) {
            HANDED_ON.set(new HandedOn(z, f.dst.layout, dstRole));
        }
    }

    /** How many forward passes read their input from the previous layer's blocked output. */
    long handedOnInputs() {
        return handedOnInputs;
    }

    /** ∂X into {@code dx} from δ and the weights. */
    void backwardData(INDArray x, INDArray w, boolean hasBias, INDArray delta, int[] strides, int[] pad, INDArray dx) {
        HANDED_ON.remove(); // the scratch buffers are about to be overwritten
        Plan p = plan(x, w, hasBias, strides, pad);
        p.backwardData();
        stream s = OneDnn.stream();
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_DIFF_DST, p.dataDiffDst.in(s, delta, OUTPUT_SIDE));
        args.put(dnnl.DNNL_ARG_WEIGHTS, p.dataWeights.in(s, w, WEIGHTS));
        args.put(dnnl.DNNL_ARG_DIFF_SRC, p.dataDiffSrc.outBuffer(dx, INPUT_SIDE));
        p.data.execute(s, args);
        p.dataDiffSrc.out(s, dx);
        s._wait();
        OneDnn.keepReachable(x, w, delta, dx);
    }

    /**
     * ∂W into {@code dw} and, when {@code dbias} is not null, ∂bias into it, from the layer's input and δ; then, when
     * {@code dx} is not null, ∂X into it (δ converted once for both).
     */
    void backward(INDArray x, INDArray w, INDArray delta, int[] strides, int[] pad, INDArray dw, INDArray dbias, INDArray dx) {
        HANDED_ON.remove(); // the scratch buffers are about to be overwritten
        Plan p = plan(x, w, dbias != null, strides, pad);
        p.backwardWeights();
        stream s = OneDnn.stream();
        memory diffDst = p.weightsDiffDst.in(s, delta, OUTPUT_SIDE);
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, p.weightsSrc.in(s, x, INPUT_SIDE));
        args.put(dnnl.DNNL_ARG_DIFF_DST, diffDst);
        args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, p.diffWeights.outBuffer(dw, WEIGHT_GRADIENT));
        if (dbias != null) {
            args.put(dnnl.DNNL_ARG_DIFF_BIAS, p.diffBias.bind(dbias));
        }
        p.weights.execute(s, args);
        p.diffWeights.out(s, dw);
        if (dx != null) {
            p.backwardData();
            IntMemoryMap dataArgs = new IntMemoryMap();
            // δ in the layout the weights' pass converted it to, when the data pass reads the same one (else converted
            // again into the same buffer: the weights' pass is done with it)
            dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, p.dataDiffDst.sameLayout(p.weightsDiffDst) ? diffDst : p.dataDiffDst.in(s, delta, OUTPUT_SIDE));
            dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, p.dataWeights.in(s, w, WEIGHTS));
            dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, p.dataDiffSrc.outBuffer(dx, INPUT_SIDE));
            p.data.execute(s, dataArgs);
            p.dataDiffSrc.out(s, dx);
        }
        s._wait();
        OneDnn.keepReachable(x, w, delta, dw, dbias, dx);
    }

    private Plan plan(INDArray x, INDArray w, boolean hasBias, int[] strides, int[] pad) {
        Shape key = new Shape(x.shape(), w.shape(), hasBias, strides.clone(), pad.clone());
        return plans.computeIfAbsent(key, Plan::new);
    }

    private record Shape(long[] input, long[] weights, boolean bias, int[] strides, int[] pad) {
        long[] output() {
            return new long[]{input[0], weights[0], (input[2] + 2L * pad[0] - weights[2]) / strides[0] + 1,
                    (input[3] + 2L * pad[1] - weights[3]) / strides[1] + 1};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shape s && Arrays.equals(input, s.input) && Arrays.equals(weights, s.weights) && bias == s.bias
                    && Arrays.equals(strides, s.strides) && Arrays.equals(pad, s.pad);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(input) * 31 + Arrays.hashCode(weights) * 17 + Arrays.hashCode(strides) * 7 + Arrays.hashCode(pad) + (bias ? 1 : 0);
        }
    }

    /** The primitives of one shape; the backward ones made when first needed (an inference copy never needs them). */
    private static final class Plan {
        private final Shape shape;
        private final memory.desc srcPlain;
        private final memory.desc weightsPlain;
        private final memory.desc dstPlain;
        private final memory.desc biasPlain;
        private final memory.desc srcAny;
        private final memory.desc weightsAny;
        private final memory.desc dstAny;
        private final long[] strides;
        private final long[] padding;
        private final convolution_forward.desc forwardDesc;
        private final convolution_forward.primitive_desc forwardPd;
        private final Forward forward;
        private Forward forwardRelu;
        final Operand bias;
        primitive data;
        Operand dataDiffDst;
        Operand dataWeights;
        Operand dataDiffSrc;
        primitive weights;
        Operand weightsSrc;
        Operand weightsDiffDst;
        Operand diffWeights;
        Operand diffBias;

        Plan(Shape shape) {
            this.shape = shape;
            memory.data_type f32 = memory.data_type.f32;
            srcPlain = new memory.desc(shape.input(), f32, memory.format_tag.abcd);
            weightsPlain = new memory.desc(shape.weights(), f32, memory.format_tag.abcd);
            dstPlain = new memory.desc(shape.output(), f32, memory.format_tag.abcd);
            biasPlain = new memory.desc(new long[]{shape.weights()[0]}, f32, memory.format_tag.a);
            srcAny = new memory.desc(shape.input(), f32, memory.format_tag.any);
            weightsAny = new memory.desc(shape.weights(), f32, memory.format_tag.any);
            dstAny = new memory.desc(shape.output(), f32, memory.format_tag.any);
            strides = new long[]{shape.strides()[0], shape.strides()[1]};
            padding = new long[]{shape.pad()[0], shape.pad()[1]};
            // forward_training: the backward primitives are hinted by it (the same blocked layouts)
            forwardDesc = shape.bias()
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                    biasPlain, dstAny, strides, padding, padding)
                    : new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                    dstAny, strides, padding, padding);
            forwardPd = new convolution_forward.primitive_desc(forwardDesc, OneDnn.CPU);
            forward = new Forward(forwardPd);
            bias = new Operand(biasPlain, biasPlain, true);
        }

        /** The forward primitive, with the ReLU fused as a post-op or without (made when first asked for). */
        Forward forward(boolean relu) {
            if (!relu) {
                return forward;
            }
            if (forwardRelu == null) {
                post_ops ops = new post_ops();
                ops.append_eltwise(1.0f, dnnl.algorithm.eltwise_relu, 0.0f, 0.0f);
                primitive_attr attr = new primitive_attr();
                attr.set_post_ops(ops);
                forwardRelu = new Forward(new convolution_forward.primitive_desc(forwardDesc, attr, OneDnn.CPU));
            }
            return forwardRelu;
        }

        /** A forward primitive and its operands. */
        final class Forward {
            final primitive primitive;
            final Operand src;
            final Operand weights;
            final Operand dst;

            Forward(convolution_forward.primitive_desc pd) {
                primitive = new convolution_forward(pd);
                src = new Operand(srcPlain, pd.src_desc(), true);
                weights = new Operand(weightsPlain, pd.weights_desc(), true);
                dst = new Operand(dstPlain, pd.dst_desc(), false);
            }
        }

        void backwardData() {
            if (data != null) {
                return;
            }
            convolution_backward_data.desc d = new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                    dstAny, strides, padding, padding);
            convolution_backward_data.primitive_desc pd = new convolution_backward_data.primitive_desc(d, OneDnn.CPU, forwardPd);
            dataDiffDst = new Operand(dstPlain, pd.diff_dst_desc(), true);
            dataWeights = new Operand(weightsPlain, pd.weights_desc(), true);
            dataDiffSrc = new Operand(srcPlain, pd.diff_src_desc(), false);
            data = new convolution_backward_data(pd);
        }

        void backwardWeights() {
            if (weights != null) {
                return;
            }
            convolution_backward_weights.desc d = shape.bias()
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny, biasPlain, dstAny,
                    strides, padding, padding)
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny, dstAny,
                    strides, padding, padding);
            convolution_backward_weights.primitive_desc pd = new convolution_backward_weights.primitive_desc(d, OneDnn.CPU, forwardPd);
            weightsSrc = new Operand(srcPlain, pd.src_desc(), true);
            weightsDiffDst = new Operand(dstPlain, pd.diff_dst_desc(), true);
            diffWeights = new Operand(weightsPlain, pd.diff_weights_desc(), false);
            diffBias = new Operand(biasPlain, biasPlain, false);
            weights = new convolution_backward_weights(pd);
        }
    }

    /**
     * One argument of a primitive: the caller's plain (NCHW or OIHW) array and, when the primitive computes in another
     * layout, its copy in that layout with the reorder between the two, made once.
     */
    private static final class Operand {
        private final memory user;
        private final memory.desc layout;
        private final memory blocked;
        private final reorder convert;

        Operand(memory.desc plain, memory.desc layout, boolean input) {
            this.layout = layout;
            this.user = new memory(plain, OneDnn.CPU, new Pointer());
            if (plain.equals(layout)) {
                blocked = null;
                convert = null;
            } else {
                blocked = new memory(layout, OneDnn.CPU, new Pointer());
                convert = input ? new reorder(user, blocked) : new reorder(blocked, user);
            }
        }

        boolean sameLayout(Operand o) {
            return layout.equals(o.layout);
        }

        /** Whether the primitive reads or writes this operand in another layout than the caller's array. */
        boolean converts() {
            return convert != null;
        }

        /** An input already in the primitive's layout, in the role's scratch buffer. */
        memory blockedIn(String role) {
            blocked.set_data_handle(scratch(role, layout.get_size()));
            return blocked;
        }

        /** The caller's array itself, bound as this operand. */
        memory bind(INDArray a) {
            user.set_data_handle(OneDnn.address(a));
            return user;
        }

        /** An input: the array itself, or its copy in the primitive's layout (in the role's scratch buffer). */
        memory in(stream s, INDArray a, String role) {
            bind(a);
            if (convert == null) {
                return user;
            }
            blocked.set_data_handle(scratch(role, layout.get_size()));
            convert.execute(s, user, blocked);
            return blocked;
        }

        /** An output: the memory the primitive writes, {@code a} itself or a scratch buffer in its layout. */
        memory outBuffer(INDArray a, String role) {
            bind(a);
            if (convert == null) {
                return user;
            }
            blocked.set_data_handle(scratch(role, layout.get_size()));
            return blocked;
        }

        /** Converts the primitive's output into the caller's array, when it was computed in another layout. */
        void out(stream s, INDArray a) {
            if (convert != null) {
                convert.execute(s, blocked, user);
            }
        }
    }

    private static Pointer scratch(String role, long bytes) {
        Map<String, INDArray> pool = SCRATCH.get();
        INDArray buf = pool.get(role);
        long floats = (bytes + 3) / 4;
        if (buf == null || buf.length() < floats) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                buf = Nd4j.createUninitialized(DataType.FLOAT, floats);
            }
            pool.put(role, buf);
        }
        return OneDnn.at(buf.data().address());
    }
}
