package io.github.ark4j.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oneDNN primitives against the convolution's definition, summed in double by plain loops: forward with and without
 * bias, ∂X, ∂W and ∂bias, for strides, padding, rectangular kernels and one input channel (whose layout oneDNN treats
 * apart), on more shapes than a layer keeps primitives for, each shape run twice (kept primitives, new data).
 */
class OneDnnConvolutionTest {
    /** batch, channels, height, width, filters, kernel height, kernel width, stride h, stride w, pad h, pad w */
    private static final int[][] SHAPES = {
            {2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 0},
            {3, 1, 9, 9, 5, 3, 3, 1, 1, 0, 0},
            {1, 16, 6, 6, 32, 3, 3, 1, 1, 1, 1},
            {4, 5, 8, 7, 3, 5, 5, 1, 1, 2, 2},
            {2, 32, 5, 5, 17, 3, 3, 2, 2, 1, 1},
            {5, 2, 4, 4, 6, 1, 1, 1, 1, 0, 0},
    };

    @Test
    void everyGradientMatchesTheDefinition() {
        OneDnnConvolution conv = new OneDnnConvolution();
        Nd4j.getRandom().setSeed(3);
        for (int round = 0; round < 2; round++) {
            for (int[] s : SHAPES) {
                for (boolean withBias : new boolean[]{true, false}) {
                    check(conv, s, withBias);
                }
            }
        }
    }

    /**
     * A fused ReLU gives max(z, 0) of the plain forward pass, bit for bit; a handed-on output serves the next layer's
     * forward pass when it asks for it and is that array, and only then: not after a backward pass overwrote the blocked
     * copy, not when the next layer says its input may have changed (shown by changing it: the result follows the change).
     */
    @Test
    void fusedReluAndHandedOnOutputsMatchTheDefinition() {
        Nd4j.getRandom().setSeed(4);
        OneDnnConvolution first = new OneDnnConvolution();
        OneDnnConvolution second = new OneDnnConvolution();
        int[] one = {1, 1};
        int[] none = {0, 0};
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 16, 9, 9).subi(0.5);
        INDArray w1 = Nd4j.rand(DataType.FLOAT, 32, 16, 3, 3).subi(0.5);
        INDArray b1 = Nd4j.rand(DataType.FLOAT, 32).subi(0.5);
        INDArray w2 = Nd4j.rand(DataType.FLOAT, 16, 32, 3, 3).subi(0.5);
        INDArray b2 = Nd4j.rand(DataType.FLOAT, 16).subi(0.5);

        INDArray z = Nd4j.createUninitialized(DataType.FLOAT, 3, 32, 7, 7);
        first.forward(x, w1, b1, one, none, z);
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 3, 32, 7, 7);
        first.forward(x, w1, b1, one, none, true, true, true, a);
        assertArrayEquals(org.nd4j.linalg.ops.transforms.Transforms.relu(z, true).data().asFloat(), a.data().asFloat(), "fused ReLU");
        assertTrue(a.minNumber().doubleValue() == 0 && a.maxNumber().doubleValue() > 0, "the ReLU cut something");

        INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, 3, 16, 5, 5);
        second.forward(a.dup(), w2, b2, one, none, expected);
        // hand on, take: no conversion, same result
        first.forward(x, w1, b1, one, none, true, true, true, a);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 3, 16, 5, 5);
        second.forward(a, w2, b2, one, none, false, true, false, out);
        assertEquals(1, second.handedOnInputs());
        assertArrayEquals(expected.data().asFloat(), out.data().asFloat(), "from the handed-on copy");
        // a backward pass in between overwrites the scratch buffers: converted again
        first.forward(x, w1, b1, one, none, true, true, true, a);
        first.backwardData(x, w1, true, Nd4j.rand(DataType.FLOAT, 3, 32, 7, 7), one, none, Nd4j.createUninitialized(DataType.FLOAT, 3, 16, 9, 9));
        second.forward(a, w2, b2, one, none, false, true, false, out);
        assertEquals(1, second.handedOnInputs());
        assertArrayEquals(expected.data().asFloat(), out.data().asFloat(), "after a backward pass");
        // an input that may have changed in place (dropout) is converted again
        first.forward(x, w1, b1, one, none, true, true, true, a);
        a.muli(2);
        second.forward(a, w2, b2, one, none, false, false, false, out);
        assertEquals(1, second.handedOnInputs());
        INDArray doubled = Nd4j.createUninitialized(DataType.FLOAT, 3, 16, 5, 5);
        second.forward(a.dup(), w2, b2, one, none, doubled);
        assertArrayEquals(doubled.data().asFloat(), out.data().asFloat(), "the changed input");
        assertFalse(java.util.Arrays.equals(expected.data().asFloat(), out.data().asFloat()));
    }

    @Test
    void takesFloat32Only() {
        INDArray w = Nd4j.rand(DataType.FLOAT, 2, 1, 3, 3);
        assertTrue(OneDnnConvolution.supports(Nd4j.rand(DataType.FLOAT, 1, 1, 5, 5), w));
        assertFalse(OneDnnConvolution.supports(Nd4j.rand(DataType.DOUBLE, 1, 1, 5, 5), w));
    }

    private static void check(OneDnnConvolution conv, int[] s, boolean withBias) {
        int b = s[0], c = s[1], h = s[2], wd = s[3], o = s[4], kh = s[5], kw = s[6];
        int[] strides = {s[7], s[8]};
        int[] pad = {s[9], s[10]};
        int oh = (h + 2 * pad[0] - kh) / strides[0] + 1;
        int ow = (wd + 2 * pad[1] - kw) / strides[1] + 1;
        INDArray x = Nd4j.rand(DataType.FLOAT, b, c, h, wd).subi(0.5);
        INDArray w = Nd4j.rand(DataType.FLOAT, o, c, kh, kw).subi(0.5);
        INDArray bias = withBias ? Nd4j.rand(DataType.FLOAT, o).subi(0.5) : null;
        INDArray delta = Nd4j.rand(DataType.FLOAT, b, o, oh, ow).subi(0.5);
        String what = java.util.Arrays.toString(s) + (withBias ? " with bias" : " without bias");

        INDArray z = Nd4j.createUninitialized(DataType.FLOAT, b, o, oh, ow);
        conv.forward(x, w, bias, strides, pad, z);
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, b, c, h, wd);
        INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, o, c, kh, kw);
        INDArray db = withBias ? Nd4j.createUninitialized(DataType.FLOAT, o) : null;
        conv.backward(x, w, delta, strides, pad, dw, db, dx);
        INDArray dxOnly = Nd4j.createUninitialized(DataType.FLOAT, b, c, h, wd);
        conv.backwardData(x, w, withBias, delta, strides, pad, dxOnly);

        double[] zRef = new double[b * o * oh * ow];
        double[] dxRef = new double[b * c * h * wd];
        double[] dwRef = new double[o * c * kh * kw];
        double[] dbRef = new double[o];
        for (int n = 0; n < b; n++) {
            for (int f = 0; f < o; f++) {
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        int zi = ((n * o + f) * oh + y) * ow + xx;
                        double d = delta.getDouble(n, f, y, xx);
                        double sum = withBias ? bias.getDouble(f) : 0;
                        dbRef[f] += d;
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int r = y * strides[0] + i - pad[0];
                                    int col = xx * strides[1] + j - pad[1];
                                    if (r < 0 || r >= h || col < 0 || col >= wd) {
                                        continue;
                                    }
                                    double wv = w.getDouble(f, ch, i, j);
                                    double xv = x.getDouble(n, ch, r, col);
                                    sum += wv * xv;
                                    dxRef[((n * c + ch) * h + r) * wd + col] += wv * d;
                                    dwRef[((f * c + ch) * kh + i) * kw + j] += xv * d;
                                }
                            }
                        }
                        zRef[zi] = sum;
                    }
                }
            }
        }
        assertClose(zRef, z, what + ": forward");
        assertClose(dxRef, dx, what + ": ∂X with ∂W");
        assertClose(dxRef, dxOnly, what + ": ∂X alone");
        assertClose(dwRef, dw, what + ": ∂W");
        if (withBias) {
            assertClose(dbRef, db, what + ": ∂bias");
        }
    }

    private static void assertClose(double[] expected, INDArray actual, String what) {
        double[] a = actual.dup().data().asDouble();
        assertEquals(expected.length, a.length, what);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-5 * Math.max(1, scale), what + " at " + i);
        }
    }
}
