package io.github.ark4j.engine;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine gate: every convolution strategy gives the built-in DL4J results (float32) for logits, input gradients
 * and parameter gradients, on real digits, for every architecture with convolutions of both kinds (valid 3x3,
 * padded 5x5).
 */
class FastConvolutionTest {
    static final Engine BUILT_IN = Engine.builder().convolution(Engine.Convolution.BUILT_IN).build();

    static double relative(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / Math.max(1e-30, b.norm2Number().doubleValue());
    }

    static MultiLayerNetwork net(Architecture a) {
        MultiLayerNetwork n = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 11, DataType.FLOAT));
        n.init();
        return n;
    }

    @ParameterizedTest
    @EnumSource(value = Engine.Convolution.class, names = {"ONEDNN", "GEMM"})
    void matchesTheBuiltInPath(Engine.Convolution s) throws IOException {
        LabeledImages d = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(64);
        // MNIST's constant background gives max-pooling windows with exactly tied inputs, where the input gradient is
        // not unique: each path routes it to the tie its rounding favours (the built-in path's choice changed with the
        // BLAS thread count, 1% of the gradient's norm). A little noise (≤ 1e-3 of the range) unties them.
        Nd4j.getRandom().setSeed(5);
        INDArray x = d.features().mul(1 - 1e-3).addi(Nd4j.rand(d.features().dataType(), d.features().shape()).muli(1e-3));
        for (Architecture a : new Architecture[]{Architecture.PAPERNOT_MNIST, Architecture.LENET5}) {
            MultiLayerNetwork fast = net(a);
            MultiLayerNetwork reference = net(a);
            Engine engine = Engine.builder().convolution(s).build();
            engine.accelerate(fast);
            NetworkClassifier cf = new NetworkClassifier(fast, a, engine);
            NetworkClassifier cr = new NetworkClassifier(reference, a, BUILT_IN);

            assertTrue(relative(cf.logits(x), cr.logits(x)) < 1e-5, a + " logits");
            assertTrue(relative(cf.lossGradient(x, d.oneHot(), 1), cr.lossGradient(x, d.oneHot(), 1)) < 1e-4, a + " input gradient");

            for (MultiLayerNetwork n : new MultiLayerNetwork[]{fast, reference}) {
                n.setInput(x);
                n.setLabels(d.oneHot());
                Nd4j.getRandom().setSeed(99); // same dropout masks on both sides
                n.computeGradientAndScore();
            }
            assertTrue(relative(fast.gradient().gradient(), reference.gradient().gradient()) < 1e-4, a + " parameter gradients");
            assertEquals(reference.score(), fast.score(), 1e-5 * Math.abs(reference.score()));
        }
    }

    /**
     * The twin's backward passes take the ReLU convolutions' pre-activations from the forward pass instead of
     * recomputing them: the input gradient is bit for bit the one of a backward pass that recomputes them (DL4J's own).
     */
    @Test
    void backwardAfterForwardReusesThePreActivationsExactly() throws IOException {
        INDArray x = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(16).features();
        DifferentiableNetwork d = Engine.defaults().differentiable(net(Architecture.PAPERNOT_MNIST));
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 10);
        d.forward(x);
        INDArray reused = d.backward(w);
        d.twin().setInput(x);
        d.twin().feedForward(false, false);
        INDArray recomputed = d.twin().backpropGradient(w.dup(), LayerWorkspaceMgr.noWorkspaces()).getSecond();
        assertEquals(recomputed, reused);
    }

    /**
     * The twin's convolutions write their forward outputs into each layer's own buffer, which a later forward pass
     * overwrites (smaller batch) or replaces (larger batch): gradients taken before and after passes of other batch
     * sizes are bit for bit those of a classifier that ran no other pass, and a pass's logits stay as returned.
     */
    @Test
    void forwardOutputBuffersServePassesOfAnyBatchSize() throws IOException {
        LabeledImages test = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST);
        INDArray x = test.first(16).features();
        MultiLayerNetwork net = net(Architecture.PAPERNOT_MNIST);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 10);
        INDArray expected = new NetworkClassifier(net, Architecture.PAPERNOT_MNIST).logitGradient(x, w);

        NetworkClassifier c = new NetworkClassifier(net, Architecture.PAPERNOT_MNIST);
        Classifier.ForwardPass pass = c.forwardPass(x);
        INDArray logits = pass.logits().dup();
        assertEquals(expected, pass.gradient(w));
        c.forwardPass(test.first(4).features());
        c.forwardPass(test.first(40).features());
        assertEquals(logits, pass.logits());
        assertEquals(expected, c.forwardPass(x).gradient(w));
    }

    /**
     * For an activation whose derivative needs z itself (tanh), the forward output (tanh(z), DL4J activates in place)
     * must not stand in for z: the input gradient still matches the built-in path.
     */
    @Test
    void backwardRecomputesThePreActivationOfOtherActivations() throws IOException {
        INDArray x = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(16).features();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1)).build();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        fast.init();
        MultiLayerNetwork reference = new MultiLayerNetwork(conf.clone());
        reference.init(fast.params().dup(), false);
        NetworkClassifier cf = new NetworkClassifier(fast, new long[]{1, 28, 28});
        NetworkClassifier cr = new NetworkClassifier(reference, new long[]{1, 28, 28}, BUILT_IN);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 10);
        double rel = relative(cf.logitGradient(x, w), cr.logitGradient(x, w));
        assertTrue(rel < 1e-5, "tanh layer input gradient, relative difference " + rel);
    }

    /**
     * The kit's training step (the backward passes take the forward pass's pre-activations) leaves every parameter and
     * the updater's state as {@code fit} does, bit for bit, over steps that reuse one batch object (the updater changes
     * the parameters in place between steps) and with dropout (Papernot net) on both strategies.
     */
    @ParameterizedTest
    @EnumSource(value = Engine.Convolution.class, names = {"ONEDNN", "GEMM"})
    void trainingStepEqualsFitBitForBit(Engine.Convolution s) throws IOException {
        Engine engine = Engine.builder().convolution(s).build();
        LabeledImages digits = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TRAIN).first(64);
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(digits.features(), digits.oneHot());
        for (Architecture a : new Architecture[]{Architecture.PAPERNOT_MNIST, Architecture.LENET5}) {
            MultiLayerNetwork plain = net(a);
            MultiLayerNetwork step = net(a);
            engine.accelerate(plain);
            engine.accelerate(step);
            for (int i = 0; i < 3; i++) {
                Nd4j.getRandom().setSeed(100 + i); // the same dropout masks on both sides
                plain.fit(batch);
                Nd4j.getRandom().setSeed(100 + i);
                engine.fit(step, batch);
            }
            // bit for bit (INDArray.equals would allow a relative 1e-5)
            assertArrayEquals(plain.params().dup().data().asFloat(), step.params().dup().data().asFloat(), a + " parameters");
            assertArrayEquals(plain.getUpdater().getStateViewArray().dup().data().asFloat(),
                    step.getUpdater().getStateViewArray().dup().data().asFloat(), a + " updater state");
            assertNotEquals(net(a).params(), step.params(), a + " trained");
            int convolutions = a == Architecture.LENET5 ? 2 : 4;
            int dense = 2; // the hidden dense layers of both nets (the output layer is DL4J's)
            assertArrayEquals(new long[]{3L * convolutions, 3L * dense}, FastConvolution.stepReuses(step),
                    a + ": every backward pass of a convolution and a dense layer took its forward's pre-activations");
            assertArrayEquals(new long[]{0, 0}, FastConvolution.stepReuses(plain), a + ": fit alone recomputes them");
            // the Papernot net's second and fourth convolutions read their inputs in oneDNN's layout (LeNet-5's
            // convolutions have pooling between them)
            long handedOn = s == Engine.Convolution.ONEDNN && a == Architecture.PAPERNOT_MNIST ? 3 * 2 : 0;
            assertEquals(handedOn, FastConvolution.handedOnInputs(step), a + ": inputs taken in oneDNN's layout");
            assertEquals(s == Engine.Convolution.ONEDNN ? 3 * 2 : 0, MaxPoolingLayer.backwardsFromForward(step),
                    a + ": every backward pass of a pooling layer read its forward pass's maxima");
        }
    }

    /**
     * A convolution whose input has dropout, which DL4J may apply in place, does not take the previous convolution's
     * output in oneDNN's layout (it would read the activations before dropout): a training step gives the built-in
     * layers' parameters.
     */
    @Test
    void convolutionWithInputDropoutConvertsItsInput() throws IOException {
        LabeledImages digits = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TRAIN).first(32);
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(digits.features(), digits.oneHot());
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.1)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU)
                        .dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        MultiLayerNetwork reference = new MultiLayerNetwork(conf.clone());
        fast.init();
        reference.init();
        Engine.defaults().accelerate(fast);
        for (int i = 0; i < 2; i++) {
            Nd4j.getRandom().setSeed(40 + i); // the same dropout masks on both sides
            Engine.defaults().fit(fast, batch);
            Nd4j.getRandom().setSeed(40 + i);
            BUILT_IN.fit(reference, batch);
        }
        assertTrue(relative(fast.params(), reference.params()) < 1e-5, "parameters, relative difference " + relative(fast.params(), reference.params()));
        assertEquals(0, FastConvolution.handedOnInputs(fast));
    }

    @Test
    void installsOnEveryConvolutionAndDenseLayerAndUninstalls() {
        MultiLayerNetwork n = net(Architecture.PAPERNOT_MNIST);
        boolean oneDnn = Engine.defaults().convolution() == Engine.Convolution.ONEDNN;
        int pooling = oneDnn ? 2 : 0;
        assertEquals(4 + 2 + pooling, Engine.defaults().accelerate(n), "4 convolution, 2 dense and (oneDNN) 2 pooling layers");
        assertEquals(2 + 2 + pooling, Engine.defaults().accelerate(net(Architecture.LENET5)), "2 convolution, 2 dense and 2 pooling layers");
        assertEquals(4 + 2 + pooling, BUILT_IN.accelerate(n), "DL4J's own layers back");
        assertEquals(2, java.util.Arrays.stream(n.getLayers())
                .filter(l -> l.getClass() == org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class).count());
        assertEquals(2, java.util.Arrays.stream(n.getLayers())
                .filter(l -> l.getClass() == org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class).count());
        // the oneDNN build is the project's default on Linux x86-64
        if (System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))) {
            assertEquals(Engine.Convolution.ONEDNN, Engine.defaults().convolution(), Engine.nativeBuildInfo());
        }
    }
}
