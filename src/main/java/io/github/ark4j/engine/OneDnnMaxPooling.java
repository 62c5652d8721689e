package io.github.ark4j.engine;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One max-pooling layer's oneDNN primitives, on NCHW float32 arrays, keeping the forward pass's window maxima for the
 * backward passes that follow it.
 *
 * <p>Why: libnd4j's {@code maxpool2d_bp}, which DL4J's pooling layer calls in every backward pass, runs the same
 * oneDNN primitives, but first repeats the forward pass to find where each window's maximum was (oneDNN's workspace),
 * and re-creates its primitives on every call: a training step pooled each batch twice, a 10-class Jacobian eleven
 * times. Here the forward pass is the training one, whose workspace is kept, and a backward pass reads it.
 *
 * <pre>forward   Y[b,c,y,x] = max_{i,j} X[b, c, y·sH + i − pH, x·sW + j − pW]
 * backward  ∂X[b,c,r,s] = Σ_{y,x : (r,s) is the first maximum of window (y,x)} ∂Y[b,c,y,x]</pre>
 * The primitives are the ones libnd4j runs (plain NCHW layout, the same kernels), so the outputs and the input
 * gradient, including which of several equal maxima receives the gradient, are libnd4j's bit for bit.
 */
final class OneDnnMaxPooling {
    /** Shapes kept per layer: a training batch, a last partial batch, an attack's batch. */
    private static final int PLANS_KEPT = 4;

    private final Map<Shape, Plan> plans = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, Plan> eldest) {
            return size() > PLANS_KEPT;
        }
    };
    /** The last forward pass's workspace (where each window's maximum is), grown on demand. */
    private BytePointer workspace;
    /** The plan of the last forward pass, whose workspace {@link #workspace} holds; null before the first. */
    private Plan last;

    /** The pooling's output size for an input size, or -1 when the windows do not end at the padded input's edge. */
    static long outputSize(long in, int kernel, int stride, int pad) {
        return (in + 2L * pad - kernel) % stride == 0 ? (in + 2L * pad - kernel) / stride + 1 : -1;
    }

    /**
     * Y = maxpool(X) into {@code y}, both c-order and contiguous; with {@code keep}, keeping where the maxima are for
     * the backward passes that follow (oneDNN's training pass, which also writes them), else forgetting the last kept.
     */
    void forward(INDArray x, int[] kernel, int[] strides, int[] pad, boolean keep, INDArray y) {
        Plan p = plans.computeIfAbsent(new Shape(x.shape(), kernel.clone(), strides.clone(), pad.clone()), Plan::new);
        stream s = OneDnn.stream();
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, bind(p.src, x));
        args.put(dnnl.DNNL_ARG_DST, bind(p.dst, y));
        if (!keep) {
            last = null;
            p.inference().execute(s, args);
            s._wait();
            OneDnn.keepReachable(x, y);
            return;
        }
        long bytes = p.forwardPd.workspace_desc().get_size();
        if (workspace == null || workspace.capacity() < bytes) {
            if (workspace != null) {
                workspace.close();
            }
            workspace = new BytePointer(bytes);
        }
        args.put(dnnl.DNNL_ARG_WORKSPACE, bind(p.workspace, workspace));
        p.forward.execute(s, args);
        s._wait();
        OneDnn.keepReachable(x, y);
        last = p;
    }

    /**
     * ∂X into {@code dx} from ∂Y, for the input of the last forward pass (of {@code x}'s shape); false, with nothing
     * written, when the last forward pass had another shape.
     */
    boolean backward(INDArray x, int[] kernel, int[] strides, int[] pad, INDArray dy, INDArray dx) {
        if (last == null || !last.shape.equals(new Shape(x.shape(), kernel, strides, pad))) {
            return false;
        }
        Plan p = last;
        p.backward();
        stream s = OneDnn.stream();
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_DIFF_DST, bind(p.dst, dy));
        args.put(dnnl.DNNL_ARG_WORKSPACE, bind(p.workspace, workspace));
        args.put(dnnl.DNNL_ARG_DIFF_SRC, bind(p.src, dx));
        p.backward.execute(s, args);
        s._wait();
        OneDnn.keepReachable(dy, dx);
        return true;
    }

    private static memory bind(memory m, INDArray a) {
        m.set_data_handle(OneDnn.address(a));
        return m;
    }

    private static memory bind(memory m, Pointer p) {
        m.set_data_handle(p);
        return m;
    }

    private record Shape(long[] input, int[] kernel, int[] strides, int[] pad) {
        long[] output() {
            return new long[]{input[0], input[1], outputSize(input[2], kernel[0], strides[0], pad[0]),
                    outputSize(input[3], kernel[1], strides[1], pad[1])};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shape s && Arrays.equals(input, s.input) && Arrays.equals(kernel, s.kernel)
                    && Arrays.equals(strides, s.strides) && Arrays.equals(pad, s.pad);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(input) * 31 + Arrays.hashCode(kernel) * 17 + Arrays.hashCode(strides) * 7 + Arrays.hashCode(pad);
        }
    }

    /** The primitives of one shape; the inference and backward ones made when first needed. */
    private static final class Plan {
        private final Shape shape;
        private final memory.desc srcDesc;
        private final memory.desc dstDesc;
        private final long[] kernel;
        private final long[] strides;
        private final long[] padding;
        private final pooling_forward.primitive_desc forwardPd;
        final primitive forward;
        /** Plain NCHW memories for X (and ∂X), Y (and ∂Y) and the workspace, bound to the caller's arrays per call. */
        final memory src;
        final memory dst;
        final memory workspace;
        private primitive inference;
        primitive backward;

        Plan(Shape shape) {
            this.shape = shape;
            srcDesc = new memory.desc(shape.input(), memory.data_type.f32, memory.format_tag.abcd);
            dstDesc = new memory.desc(shape.output(), memory.data_type.f32, memory.format_tag.abcd);
            kernel = new long[]{shape.kernel()[0], shape.kernel()[1]};
            strides = new long[]{shape.strides()[0], shape.strides()[1]};
            padding = new long[]{shape.pad()[0], shape.pad()[1]};
            forwardPd = new pooling_forward.primitive_desc(forwardDesc(dnnl.prop_kind.forward_training), OneDnn.CPU);
            forward = new pooling_forward(forwardPd);
            src = new memory(srcDesc, OneDnn.CPU, new Pointer());
            dst = new memory(dstDesc, OneDnn.CPU, new Pointer());
            workspace = new memory(forwardPd.workspace_desc(), OneDnn.CPU, new Pointer());
        }

        private pooling_forward.desc forwardDesc(dnnl.prop_kind kind) {
            return new pooling_forward.desc(kind, dnnl.algorithm.pooling_max, srcDesc, dstDesc, strides, kernel, padding, padding);
        }

        /** The forward pass without the workspace, for passes no backward pass follows. */
        primitive inference() {
            if (inference == null) {
                inference = new pooling_forward(new pooling_forward.primitive_desc(forwardDesc(dnnl.prop_kind.forward_inference), OneDnn.CPU));
            }
            return inference;
        }

        void backward() {
            if (backward == null) {
                pooling_backward.desc d = new pooling_backward.desc(dnnl.algorithm.pooling_max, srcDesc, dstDesc, strides, kernel, padding, padding);
                backward = new pooling_backward(new pooling_backward.primitive_desc(d, OneDnn.CPU, forwardPd));
            }
        }
    }
}
