package io.github.ark4j.engine;

import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The gradient twin's dense layers: installed on the twin only, and the input gradient of DL4J's full backward pass. */
class InputGradientDenseLayerTest {

    private static long count(MultiLayerNetwork n) {
        return Arrays.stream(n.getLayers()).filter(l -> l instanceof InputGradientDenseLayer).count();
    }

    @Test
    void replacesTheTwinsDenseLayersOnly() {
        MultiLayerNetwork net = FastConvolutionTest.net(Architecture.PAPERNOT_MNIST);
        DifferentiableNetwork d = Engine.defaults().differentiable(net);
        // two ReLU layers and the identity logits layer; the trained network keeps DL4J's layers
        assertEquals(3, count(d.twin()));
        assertEquals(0, count(net));
        // on the very same parameters: training the network moves the twin
        Layer[] twin = d.twin().getLayers();
        for (int i = 0; i < twin.length; i++) {
            if (twin[i] instanceof InputGradientDenseLayer) {
                net.getLayer(i).getParam("W").addi(1);
                assertEquals(net.getLayer(i).getParam("W"), twin[i].getParam("W"));
            }
        }
    }

    /**
     * Several backward passes from one forward pass (the forward output must survive each) give what DL4J's full
     * backward pass gives — which the layer runs outside {@link DifferentiableNetwork#backward}.
     */
    @Test
    void inputGradientsAreThoseOfTheFullBackwardPass() throws IOException {
        INDArray x = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(16).features();
        DifferentiableNetwork d = Engine.defaults().differentiable(FastConvolutionTest.net(Architecture.PAPERNOT_MNIST));
        Nd4j.getRandom().setSeed(3);
        INDArray w1 = Nd4j.rand(DataType.FLOAT, 16, 10).subi(0.5);
        INDArray w2 = Nd4j.rand(DataType.FLOAT, 16, 10).subi(0.5);
        d.forward(x);
        INDArray g1 = d.backward(w1);
        INDArray g2 = d.backward(w2);
        INDArray g1again = d.backward(w1);
        assertEquals(g1, g1again);
        for (INDArray[] wg : new INDArray[][]{{w1, g1}, {w2, g2}}) {
            d.twin().setInput(x);
            d.twin().feedForward(false, false);
            INDArray full = d.twin().backpropGradient(wg[0].dup(), LayerWorkspaceMgr.noWorkspaces()).getSecond();
            double rel = FastConvolutionTest.relative(wg[1], full);
            assertTrue(rel < 1e-6, "relative difference to DL4J's backward pass " + rel);
        }
    }
}
