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
                Layer reference = net(s).getLayer(0);
                MultiLayerNetwork fastNet = net(s);
                assertEquals(1, Engine.defaults().accelerate(fastNet), "the pooling layer is swapped");
                Layer fast = fastNet.getLayer(0);
                assertTrue(fast instanceof MaxPoolingLayer);
                INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
                if (ties) {
                    x = Transforms.floor(x.muli(3), false).divi(3); // values 0, 1/3, 2/3: most windows hold equal maxima
                }
                String what = java.util.Arrays.toString(s) + (ties ? " with ties" : "");
                INDArray yRef = reference.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
                INDArray y = fast.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
                assertArrayEquals(yRef.dup().data().asFloat(), y.dup().data().asFloat(), what + ": output");
                INDArray dy = Nd4j.rand(DataType.FLOAT, yRef.shape()).subi(0.5);
                for (int pass = 0; pass < 2; pass++) { // a Jacobian's several backward passes read the same maxima
                    INDArray dxRef = reference.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond();
                    INDArray dx = fast.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond();
                    assertArrayEquals(dxRef.dup().data().asFloat(), dx.dup().data().asFloat(), what + ": input gradient");
                }
                assertEquals(2, MaxPoolingLayer.backwardsFromForward(fastNet), what + ": both from the forward pass's maxima");
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
        MultiLayerNetwork fastNet = net(s);
        Engine.defaults().accelerate(fastNet);
        Layer fast = fastNet.getLayer(0);
        Layer reference = net(s).getLayer(0);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        assertArrayEquals(reference.activate(x, false, LayerWorkspaceMgr.noWorkspaces()).dup().data().asFloat(),
                fast.activate(x, false, LayerWorkspaceMgr.noWorkspaces()).dup().data().asFloat(), "inference output");
        INDArray dy = Nd4j.rand(DataType.FLOAT, s[0], s[1], 12, 12);
        assertArrayEquals(reference.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat(),
                fast.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat(), "pooled again");
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(fastNet));

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
        MultiLayerNetwork fastNet = net(s);
        Engine.defaults().accelerate(fastNet);
        Layer fast = fastNet.getLayer(0);
        Layer reference = net(s).getLayer(0);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        INDArray other = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        fast.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
        fast.setInput(other, LayerWorkspaceMgr.noWorkspaces()); // a backward pass of an input the layer did not pool
        reference.setInput(other, LayerWorkspaceMgr.noWorkspaces());
        INDArray dy = Nd4j.rand(DataType.FLOAT, s[0], s[1], 4, 4);
        assertArrayEquals(reference.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat(),
                fast.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat());
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(fastNet));
    }

    @Test
    void windowsPastThePaddedEdgeAreDl4jsOwn() {
        int[] s = {2, 3, 5, 5, 2, 2, 0}; // 5 = 2·2 + 1: the last row and column are in no window
        MultiLayerNetwork fastNet = net(s);
        Engine.defaults().accelerate(fastNet);
        Layer fast = fastNet.getLayer(0);
        Layer reference = net(s).getLayer(0);
        INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1], s[2], s[3]);
        assertArrayEquals(reference.activate(x, true, LayerWorkspaceMgr.noWorkspaces()).dup().data().asFloat(),
                fast.activate(x, true, LayerWorkspaceMgr.noWorkspaces()).dup().data().asFloat());
        INDArray dy = Nd4j.rand(DataType.FLOAT, s[0], s[1], 2, 2);
        assertArrayEquals(reference.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat(),
                fast.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup().data().asFloat());
        assertEquals(0, MaxPoolingLayer.backwardsFromForward(fastNet));
    }
}
