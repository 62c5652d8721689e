package io.github.ark4j.engine;

import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class FastBackwardReluTest {

    /** Same δ as DL4J's ReLU for z and for ReLU(z), on contiguous arrays and on the permuted views DL4J passes. */
    @Test
    void backwardPassEqualsDl4jsReluFromPreActivationsOrOutputs() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.rand(DataType.FLOAT, 6, 4, 7, 7).subi(0.5);
        z.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).assign(0); // exact zeros: [0 > 0] is 0
        INDArray permuted = Nd4j.rand(DataType.FLOAT, 4, 6, 7, 7).subi(0.5).permute(1, 0, 2, 3);
        INDArray eps = Nd4j.rand(DataType.FLOAT, 6, 4, 7, 7).subi(0.5);
        for (INDArray pre : new INDArray[]{z, permuted}) {
            INDArray expected = new ActivationReLU().backprop(pre.dup(), eps.dup()).getFirst();
            INDArray fromZ = new FastBackwardRelu().backprop(pre, eps).getFirst();
            INDArray fromOutput = new FastBackwardRelu().backprop(new ActivationReLU().getActivation(pre.dup(), false), eps.dup('f')).getFirst();
            // ±0 compare equal as numbers: the masked entries may be −0 where DL4J writes +0
            assertEquals(0.0, expected.sub(fromZ).amaxNumber().doubleValue(), 0.0);
            assertEquals(0.0, expected.sub(fromOutput).amaxNumber().doubleValue(), 0.0);
            assertEquals(eps.dup(), eps, "epsilon is not modified");
        }
        assertThrows(IllegalArgumentException.class, () -> new FastBackwardRelu().backprop(z, eps.reshape(6, 4, 49)));
    }

    /** Only the gradient twin's ReLU convolutions get it; the trained network keeps DL4J's activation. */
    @Test
    void installedOnTheTwinsReluConvolutionsOnly() {
        Architecture a = Architecture.PAPERNOT_MNIST;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 11, DataType.FLOAT));
        net.init();
        DifferentiableNetwork d = Engine.defaults().differentiable(net);
        int onTwin = 0;
        for (Layer l : d.twin().getLayers()) {
            if (l.conf().getLayer() instanceof ConvolutionLayer conv && conv.getActivationFn() instanceof FastBackwardRelu) {
                onTwin++;
            }
        }
        assertEquals(4, onTwin);
        for (Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof ConvolutionLayer conv) {
                assertEquals(ActivationReLU.class, conv.getActivationFn().getClass());
            }
        }
    }
}
