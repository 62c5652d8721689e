package io.github.ark4j.engine;

import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The differentiable view's memory: each forward pass releases the activations of the one before instead of leaving
 * them to the garbage collector, never the caller's input, and the gradients after a release are those of a fresh view.
 */
class DifferentiableNetworkTest {

    private static INDArray images(int from, int n) throws IOException {
        return Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(from + n).features()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + n)).dup();
    }

    @ParameterizedTest
    @EnumSource(Engine.Convolution.class)
    void aForwardPassReleasesTheLastOnesActivationsButNotTheInput(Engine.Convolution convolution) throws IOException {
        MultiLayerNetwork net = FastConvolutionTest.net(Architecture.PAPERNOT_MNIST);
        Engine engine = Engine.builder().convolution(convolution).build();
        DifferentiableNetwork d = engine.differentiable(net);
        INDArray x1 = images(0, 16);
        INDArray x2 = images(16, 16);
        INDArray z1 = d.forward(x1);
        assertFalse(z1.wasClosed());
        d.forward(x2);
        assertTrue(z1.wasClosed(), "the first pass's logits (an activation the view allocated) are released by the second pass");
        assertFalse(x1.wasClosed(), "the caller's input of the first pass is the caller's");
        assertFalse(x2.wasClosed());

        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 10).subi(0.5);
        INDArray g = d.backward(w);
        DifferentiableNetwork fresh = engine.differentiable(net);
        fresh.forward(x2);
        assertEquals(fresh.backward(w), g, "the gradient after a release is the one of a view that never released");
        assertEquals(fresh.forward(x1), d.forward(x1));
    }

    @Test
    void backwardReturnsANewArrayTheCallerMayRelease() throws IOException {
        DifferentiableNetwork d = Engine.defaults().differentiable(FastConvolutionTest.net(Architecture.PAPERNOT_MNIST));
        INDArray x = images(0, 8);
        Nd4j.getRandom().setSeed(6);
        INDArray w = Nd4j.rand(DataType.FLOAT, 8, 10).subi(0.5);
        d.forward(x);
        INDArray g1 = d.backward(w);
        INDArray kept = g1.dup();
        INDArray g2 = d.backward(w);
        assertNotSame(g1.data(), g2.data());
        g1.close();
        assertEquals(kept, g2, "releasing one gradient leaves the next intact");
        assertEquals(kept, d.backward(w));
    }
}
