package io.github.ark4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's max pooling against DL4J's (libnd4j's {@code maxpool2d} and {@code maxpool2d_bp}), bit for bit: outputs
 * and input gradients, on inputs full of equal maxima (which of them receives the gradient is part of the result), with
 * non-overlapping and overlapping padded windows; a backward pass reads the forward pass's maxima only for that pass's
 * input array.
 */
class MaxPoolingLayerTest {
    @org.junit.jupiter.api.BeforeEach
    void onTheOneDnnBuild() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Engine.defaults().convolution() == Engine.Convolution.ONEDNN, "the engine's pooling needs oneDNN");
    }

    /** batch, channels, height, width, kernel, stride, pad */
    private static final int[][] SHAPES = {
            {5, 3, 8, 8, 2, 2, 0},
            {2, 16, 24, 24, 2, 2, 0},
            {3, 2, 9, 7, 3, 2, 1},
            {1, 4, 6, 6, 3, 3, 0},
    };

    private static float[] floats(INDArray a) {
        return a.dup().data().asFloat();
    }

    /** The two layers' outputs of {@code x}, equal bit for bit. */
    private static void assertSameOutput(Layer reference, Layer fast, INDArray x, boolean training, String what) {
        assertArrayEquals(floats(reference.activate(x, training, LayerWorkspaceMgr.noWorkspaces())),
                floats(fast.activate(x, training, LayerWorkspaceMgr.noWorkspaces())), what + ": output");
    }

    /** The two layers' input gradients from {@code dy} for their current inputs, equal bit for bit. */
    private static void assertSameGradient(Layer reference, Layer fast, INDArray dy, String what) {
        assertArrayEquals(floats(reference.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond()),
                floats(fast.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond()), what + ": input gradient");
    }

    /** A network of the engine's pooling layer, that layer, and DL4J's own layer of the same configuration. */
    private record Layers(MultiLayerNetwork fastNet, Layer fast, Layer reference) {
        static Layers of(int[] s) {
            MultiLayerNetwork fastNet = net(s);
            assertEquals(1, Engine.defaults().accelerate(fastNet), "the pooling layer is swapped");
            assertTrue(fastNet.getLayer(0) instanceof MaxPoolingLayer);
            return new Layers(fastNet, fastNet.getLayer(0), net(s).getLayer(0));
        }

        void assertSameOutput(INDArray x, boolean training, String what) {
            MaxPoolingLayerTest.assertSameOutput(reference, fast, x, training, what);
        }

        void assertSameGradient(INDArray dy, String what) {
            MaxPoolingLayerTest.assertSameGradient(reference, fast, dy, what);
        }
    }

    private static MultiLayerNetwork net(int[] s) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(s[4], s[4]).stride(s[5], s[5])
                        .padding(s[6], s[6]).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(s[2], s[3], s[1])).build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    @Test
    void outputsAndInputGradientsAreDl4jsBitForBit() {
        Nd4j.getRandom().setSeed(6);
        for (int[] s : SHAPES) {
            for (boolean ties : new boolean[]{true, false}) {
                Layers l = Layers.of(s);
                Layer fast = l.fast();
                Layer reference = l.reference();
                INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
                if (ties) {
                    x = Transforms.floor(x.muli(3), false).divi(3); // values 0, 1/3, 2/3: most windows hold equal maxima
                }
                String what = java.util.Arrays.toString(s) + (ties ? " with ties" : "");
                assertSameOutput(reference, fast, x, true, what);
                INDArray dy = Nd4j.rand(DataType.FLOAT, fast.activate(x, true, LayerWorkspaceMgr.noWorkspaces()).shape()).subi(0.5);
                for (int pass = 0; pass < 2; pass++) { // a Jacobian's several backward passes read the same maxima
                    assertSameGradient(reference, fast, dy, what);
                }
                assertEquals(2, MaxPoolingLayer.backwardsFromForward(l.fastNet()), what + ": both from the forward pass's maxima");
            }
        }
    }

    /**
     * An inference pass keeps no maxima (a backward pass after it pools again, with DL4J's result); the gradient twin's
     * inference passes keep them for the backward passes that follow.
     */
    @Test
    void inferenceKeepsNoMaximaExceptOnTheTwin() {
        int[] s = SHAPES[1];
        Nd4j.getRandom().setSeed(9);
        Layers l = Layers.of(s);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        l.assertSameOutput(x, false, "inference");
        l.assertSameGradient(Nd4j.rand(DataType.FLOAT, s[0], s[1], 12, 12), "pooled again");
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(l.fastNet()));

        MultiLayerNetwork trained = FastConvolutionTest.net(io.github.ark4j.model.Architecture.PAPERNOT_MNIST);
        DifferentiableNetwork d = Engine.defaults().differentiable(trained);
        d.forward(Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28));
        for (int pass = 0; pass < 3; pass++) {
            d.backward(Nd4j.rand(DataType.FLOAT, 4, 10));
        }
        assertEquals(2 * 3, MaxPoolingLayer.backwardsFromForward(d.twin()), "both pooling layers, every backward pass");
    }

    @Test
    void backwardOfAnotherInputPoolsAgain() {
        int[] s = SHAPES[0];
        Nd4j.getRandom().setSeed(8);
        Layers l = Layers.of(s);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        INDArray other = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        l.fast().activate(x, true, LayerWorkspaceMgr.noWorkspaces());
        l.fast().setInput(other, LayerWorkspaceMgr.noWorkspaces()); // a backward pass of an input the layer did not pool
        l.reference().setInput(other, LayerWorkspaceMgr.noWorkspaces());
        l.assertSameGradient(Nd4j.rand(DataType.FLOAT, s[0], s[1], 4, 4), "another input");
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(l.fastNet()));
    }

    @Test
    void windowsPastThePaddedEdgeAreDl4jsOwn() {
        int[] s = {2, 3, 5, 5, 2, 2, 0}; // 5 = 2·2 + 1: the last row and column are in no window
        Layers l = Layers.of(s);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        l.assertSameOutput(x, true, "windows past the edge");
        l.assertSameGradient(Nd4j.rand(DataType.FLOAT, s[0], s[1], 2, 2), "windows past the edge");
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(l.fastNet()));
    }
}
