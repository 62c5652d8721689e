package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.engine.Engine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Batched input gradients against central finite differences, in double precision, on (jittered) real MNIST digits
 * through a Papernot-MNIST network (both convolution strategies). Relative error is measured against the largest gradient
 * entry checked, so entries near zero do not blow it up; tolerance 1e-5 (double, h = 1e-6).
 */
class GradientCheckTest {
    static final double H = 1e-6;

    static NetworkClassifier model(Engine.Convolution strategy) throws IOException {
        Architecture a = Architecture.PAPERNOT_MNIST;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 3, DataType.DOUBLE));
        net.init();
        // push the biases off zero so that no ReLU sits exactly at its kink
        net.params().addi(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.02));
        Engine engine = Engine.builder().convolution(strategy).build();
        engine.accelerate(net);
        return new NetworkClassifier(net, a, engine);
    }

    /**
     * Real digits with a small uniform jitter. Without it the check would test points where the gradient is not
     * defined: MNIST has many equal pixels (0 and 1.0), so max-pooling windows tie and finite differences see half
     * the slope of the tied pixel DL4J routes the gradient to.
     */
    static INDArray digits(int n) throws IOException {
        INDArray x = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(n).features().castTo(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(17);
        return x.muli(0.9).addi(Nd4j.rand(DataType.DOUBLE, x.shape()).muli(0.1));
    }

    /** Max relative error of the analytic gradient against central differences at 12 random coordinates per sample. */
    static double check(INDArray x, INDArray grad, Function<INDArray, Double> f) {
        SplittableRandom rng = new SplittableRandom(5);
        double maxErr = 0;
        double scale = 1e-12;
        double[][] pairs = new double[(int) x.size(0) * 12][];
        int k = 0;
        for (int b = 0; b < x.size(0); b++) {
            for (int i = 0; i < 12; i++) {
                int h = 4 + rng.nextInt(20);
                int w = 4 + rng.nextInt(20);
                double orig = x.getDouble(b, 0, h, w);
                x.putScalar(new long[]{b, 0, h, w}, orig + H);
                double up = f.apply(x);
                x.putScalar(new long[]{b, 0, h, w}, orig - H);
                double down = f.apply(x);
                x.putScalar(new long[]{b, 0, h, w}, orig);
                double fd = (up - down) / (2 * H);
                double an = grad.getDouble(b, 0, h, w);
                pairs[k++] = new double[]{an, fd};
                scale = Math.max(scale, Math.abs(fd));
            }
        }
        for (double[] p : pairs) {
            maxErr = Math.max(maxErr, Math.abs(p[0] - p[1]) / scale);
        }
        return maxErr;
    }

    @ParameterizedTest
    @EnumSource(Engine.Convolution.class)
    void lossGradientAtTemperatures(Engine.Convolution s) throws IOException {
        NetworkClassifier c = model(s);
        INDArray x = digits(3);
        INDArray y = LabeledImages.oneHot(new int[]{7, 2, 1}, 10).castTo(DataType.DOUBLE);
        for (double t : new double[]{1, 20}) {
            INDArray g = c.lossGradient(x, y, t);
            double err = check(x, g, xx -> new TemperatureCrossEntropy(t).computeScore(y, c.logits(xx), org.nd4j.linalg.activations.Activation.IDENTITY.getActivationFunction(), null, false));
            assertTrue(err < 1e-5, "T=" + t + " relative error " + err);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.Convolution.class)
    void weightedLogitGradient(Engine.Convolution s) throws IOException {
        NetworkClassifier c = model(s);
        INDArray x = digits(2);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 2, 10).subi(0.5);
        INDArray g = c.logitGradient(x, w);
        double err = check(x, g, xx -> c.logits(xx).mul(w).sumNumber().doubleValue());
        assertTrue(err < 1e-5, "relative error " + err);
    }

    /**
     * A kept forward pass gives the logits and, from them, the same gradients as separate calls, bit for bit, for
     * several weightings in a row; once a later forward pass replaced its activations it refuses to answer.
     */
    @ParameterizedTest
    @EnumSource(Engine.Convolution.class)
    void forwardPassServesSeveralGradients(Engine.Convolution s) throws IOException {
        NetworkClassifier c = model(s);
        INDArray x = digits(3);
        INDArray w1 = Nd4j.rand(DataType.DOUBLE, 3, 10).subi(0.5);
        INDArray w2 = Nd4j.rand(DataType.DOUBLE, 3, 10).subi(0.5);
        INDArray g1 = c.logitGradient(x, w1);
        INDArray g2 = c.logitGradient(x, w2);
        Classifier.ForwardPass pass = c.forwardPass(x);
        assertEquals(0, c.logits(x).sub(pass.logits()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0, g1.sub(pass.gradient(w1)).amaxNumber().doubleValue());
        assertEquals(0, g2.sub(pass.gradient(w2)).amaxNumber().doubleValue());
        assertEquals(0, g1.sub(pass.gradient(w1)).amaxNumber().doubleValue());
        double err = check(x, pass.gradient(w2), xx -> c.logits(xx).mul(w2).sumNumber().doubleValue());
        assertTrue(err < 1e-5, "relative error " + err);
        c.logitGradient(digits(3).muli(0.5), w1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pass.gradient(w1));
        assertTrue(e.getMessage().contains("forward pass"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Engine.Convolution.class)
    void probabilityGradientAndJacobians(Engine.Convolution s) throws IOException {
        NetworkClassifier c = model(s);
        INDArray x = digits(2);
        int[] cls = {3, 8};
        double t = 5;
        INDArray g = c.probabilityGradient(x, cls, t);
        double err = check(x, g, xx -> {
            INDArray p = c.probabilities(xx, t);
            return p.getDouble(0, cls[0]) + p.getDouble(1, cls[1]);
        });
        assertTrue(err < 1e-5, "relative error " + err);

        INDArray jz = c.logitJacobian(x);
        INDArray jf = c.probabilityJacobian(x, t);
        assertArrayEquals(new long[]{2, 10, 1, 28, 28}, jz.shape());
        for (int k = 0; k < 10; k++) {
            INDArray onehot = Nd4j.zeros(DataType.DOUBLE, 2, 10);
            onehot.getColumn(k).assign(1);
            INDArray gk = c.logitGradient(x, onehot);
            assertEquals(0, gk.sub(jz.get(NDArrayIndex.all(), NDArrayIndex.point(k))).amaxNumber().doubleValue(), 1e-12);
        }
        // a row of the probability Jacobian is the probability gradient of that class
        INDArray row3 = c.probabilityGradient(x, new int[]{3, 3}, t);
        assertEquals(0, row3.sub(jf.get(NDArrayIndex.all(), NDArrayIndex.point(3))).amaxNumber().doubleValue(), 1e-12);
        // probabilities sum to one, so the probability Jacobian's rows sum to zero
        assertEquals(0, jf.sum(1).amaxNumber().doubleValue(), 1e-12);
        double errJ = check(x, jz.get(NDArrayIndex.all(), NDArrayIndex.point(6)), xx -> c.logits(xx).getColumn(6).sumNumber().doubleValue());
        assertTrue(errJ < 1e-5, "Jacobian relative error " + errJ);
    }
}
