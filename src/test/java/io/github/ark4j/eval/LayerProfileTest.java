package io.github.ark4j.eval;

import io.github.ark4j.eval.LayerProfile.Operation;
import io.github.ark4j.eval.LayerProfile.Work;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The training-step and input-gradient profiles: samples attributed to the work they were in, the layers' arithmetic counted right. */
class LayerProfileTest {

    @Test
    void samplesAreAttributedByTheLayerAndPassTheyWereIn() {
        String fit = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork.fit";
        String backprop = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork.calcBackpropGradients";
        // the convolution's backward pass recomputes its forward pre-activations: counted apart
        assertEquals(Work.CONVOLUTION_RECOMPUTED, LayerProfile.classify(List.of("org.nd4j.linalg.factory.Nd4j.exec",
                "io.github.ark4j.engine.FastConvolution.preOutput", "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.preOutput",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient", backprop, fit)));
        assertEquals(Work.CONVOLUTION_BACKWARD, LayerProfile.classify(List.of("org.nd4j.linalg.factory.Nd4j.exec",
                "io.github.ark4j.engine.FastConvolution.backpropGradient",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient", backprop, fit)));
        assertEquals(Work.CONVOLUTION_FORWARD, LayerProfile.classify(List.of("io.github.ark4j.engine.FastConvolution.preOutput",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.activate", fit)));
        assertEquals(Work.ACTIVATION, LayerProfile.classify(List.of("org.nd4j.linalg.activations.impl.ActivationReLU.backprop",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient", backprop, fit)));
        assertEquals(Work.ACTIVATION, LayerProfile.classify(List.of("io.github.ark4j.engine.FastBackwardRelu.maskedByPositive",
                "io.github.ark4j.engine.FastBackwardRelu.backprop", "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient",
                backprop, fit)));
        assertEquals(Work.POOLING_BACKWARD, LayerProfile.classify(List.of(
                "org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.backpropGradient", backprop, fit)));
        assertEquals(Work.DENSE_FORWARD, LayerProfile.classify(List.of("org.nd4j.linalg.api.ndarray.BaseNDArray.mmul",
                "org.deeplearning4j.nn.layers.BaseLayer.preOutput", "org.deeplearning4j.nn.layers.BaseLayer.activate", fit)));
        // the engine's training step runs fit inside a frame of the convolution helper's class: that frame says nothing
        assertEquals(Work.DENSE_BACKWARD, LayerProfile.classify(List.of("org.deeplearning4j.nn.layers.BaseLayer.backpropGradient",
                backprop, fit, "io.github.ark4j.engine.Engine.lambda$fit$0", "io.github.ark4j.engine.FastConvolution.trainingStep",
                "io.github.ark4j.engine.Engine.fit")));
        assertEquals(Work.OUTPUT, LayerProfile.classify(List.of("io.github.ark4j.model.TemperatureCrossEntropy.computeGradient",
                "org.deeplearning4j.nn.layers.BaseOutputLayer.backpropGradient", backprop, fit)));
        assertEquals(Work.DROPOUT, LayerProfile.classify(List.of("org.deeplearning4j.nn.conf.dropout.Dropout.applyDropout",
                "org.deeplearning4j.nn.layers.BaseLayer.activate", fit)));
        assertEquals(Work.UPDATER, LayerProfile.classify(List.of("org.nd4j.linalg.learning.NesterovsUpdater.applyUpdater",
                "org.deeplearning4j.nn.updater.BaseMultiLayerUpdater.update", fit)));
        assertEquals(Work.REST, LayerProfile.classify(List.of("org.deeplearning4j.nn.multilayer.MultiLayerNetwork.computeGradientAndScore", fit)));
        // the gradient view's dense layers compute ∂X in their own backward pass
        String gradient = "io.github.ark4j.model.NetworkClassifier.lossGradient";
        assertEquals(Work.DENSE_BACKWARD, LayerProfile.classify(List.of("org.nd4j.linalg.factory.Nd4j.gemm",
                "io.github.ark4j.engine.InputGradientDenseLayer.backpropGradient", backprop, "io.github.ark4j.engine.DifferentiableNetwork.backward",
                gradient)));
        // the gradient view runs its whole backward pass inside a frame of the convolution helper's class: that frame says nothing
        String afterForward = "io.github.ark4j.engine.FastConvolution.backwardAfterForward";
        assertEquals(Work.POOLING_BACKWARD, LayerProfile.classify(List.of(
                "org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.backpropGradient", backprop, afterForward,
                "io.github.ark4j.engine.DifferentiableNetwork.backward", gradient)));
        assertEquals(Work.CONVOLUTION_BACKWARD, LayerProfile.classify(List.of("io.github.ark4j.engine.FastConvolution.backpropGradient",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient", backprop, afterForward, gradient)));
    }

    @Test
    void flopsOfConvolutionAndDenseLayers() {
        Architecture a = Architecture.LENET5;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 3, DataType.FLOAT));
        net.init();
        // conv 5x5, 1 -> 6 channels, 28x28 output: 2 FLOPs per multiply-add
        assertEquals(2.0 * 4 * 6 * 1 * 25 * 28 * 28, LayerProfile.forwardFlop(net.getLayer(0), new long[]{4, 6, 28, 28}));
        // dense 400 -> 120 (the layer after the second pooling)
        assertEquals(2.0 * 4 * 400 * 120, LayerProfile.forwardFlop(net.getLayer(4), new long[]{4, 120}));
        assertEquals(0, LayerProfile.forwardFlop(net.getLayer(1), new long[]{4, 6, 14, 14}), "pooling has no multiply-adds");
        // per step: LeNet-5's convolutions 2·(6·1·25·28·28 + 16·6·25·10·10) FLOPs per image forward, twice that backward
        // except the first layer's ∂X (its input's gradient), which a step does not compute
        Map<Work, Double> perStep = LayerProfile.flops(net, Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28), Operation.TRAINING_STEP);
        double convForward = 2.0 * 2 * (6 * 25 * 784 + 16 * 6 * 25 * 100) / 1e6;
        assertEquals(convForward, perStep.get(Work.CONVOLUTION_FORWARD), 1e-9);
        assertNull(perStep.get(Work.CONVOLUTION_RECOMPUTED), "a step needs no second forward pass");
        assertEquals(2 * convForward - 2.0 * 2 * 6 * 25 * 784 / 1e6, perStep.get(Work.CONVOLUTION_BACKWARD), 1e-9);
        assertEquals(3 * 2.0 * 2 * 84 * 10 / 1e6, perStep.get(Work.OUTPUT), 1e-9);
        // an input gradient's backward pass computes ∂X only, and its logits layer is a dense layer of the gradient view
        Map<Work, Double> perGradient = LayerProfile.flops(net, Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28), Operation.INPUT_GRADIENT);
        assertEquals(convForward, perGradient.get(Work.CONVOLUTION_FORWARD), 1e-9);
        assertEquals(convForward, perGradient.get(Work.CONVOLUTION_BACKWARD), 1e-9);
        double denseForward = 2.0 * 2 * (400 * 120 + 120 * 84 + 84 * 10) / 1e6;
        assertEquals(denseForward, perGradient.get(Work.DENSE_FORWARD), 1e-9);
        assertEquals(denseForward, perGradient.get(Work.DENSE_BACKWARD), 1e-9);
        assertNull(perGradient.get(Work.OUTPUT));
        // a Jacobian: one forward pass, ten backward passes that compute ∂X only
        Map<Work, Double> perJacobian = LayerProfile.flops(net, Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28), Operation.LOGIT_JACOBIAN);
        assertEquals(convForward, perJacobian.get(Work.CONVOLUTION_FORWARD), 1e-9);
        assertEquals(10 * convForward, perJacobian.get(Work.CONVOLUTION_BACKWARD), 1e-9);
        assertEquals(10 * denseForward, perJacobian.get(Work.DENSE_BACKWARD), 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void profileOfARealCallFindsTheConvolutions(Operation operation) throws Exception {
        LayerProfile.Result r = LayerProfile.run(Architecture.LENET5, 64, 3, operation);
        assertTrue(r.totalSamples() >= 20, "samples: " + r.totalSamples());
        assertTrue(r.stepMs() > 0 && r.gemmGflops() > 0);
        double shares = 0;
        for (Work w : Work.values()) {
            shares += r.ms(w);
        }
        assertEquals(r.stepMs(), shares, 1e-6 * r.stepMs(), "the kinds of work add up to the call");
        assertTrue(r.ms(Work.CONVOLUTION_BACKWARD) > 0, r.markdown());
        // a Jacobian's one forward pass is under 2% of its time beside ten backward passes: a few dozen samples may miss it
        assertTrue(operation == Operation.LOGIT_JACOBIAN || r.ms(Work.CONVOLUTION_FORWARD) > 0, r.markdown());
        assertTrue(r.samples().getOrDefault(Work.REST, 0) < r.totalSamples() / 2, "most samples are in a known kind of work: " + r.markdown());
    }
}
