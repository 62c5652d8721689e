package io.github.ark4j.course;

import io.github.ark4j.data.DataFormatException;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.LinearSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** The fixed inputs of the checks: the first MNIST test images and seeded linear softmax models over them. */
final class CheckData {
    private static LabeledImages mnistTest;

    private CheckData() {
    }

    /** The first n MNIST test images (of whichever data root is configured; the first 10,000 are the same in both). */
    static synchronized LabeledImages mnist(int n) {
        if (mnistTest == null) {
            try {
                mnistTest = Mnist.load(Mnist.Split.TEST);
            } catch (DataFormatException e) {
                throw new IllegalStateException("the checks need the MNIST test images: " + e.getMessage(), e);
            }
        }
        return mnistTest.first(n);
    }

    /**
     * A linear softmax model Z = W·x + b over inputs of the given shape (without the batch dimension) with seeded
     * N(0, 0.05²) weights and N(0, 0.1²) biases; a tenth of the input features, drawn with the same seed, have zero
     * weight in every class, so that every gradient of the model is exactly zero there.
     */
    static LinearSoftmax linear(long[] inputShape, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1;
        for (long d : inputShape) {
            n *= (int) d;
        }
        boolean[] dead = new boolean[n];
        for (int j = 0; j < n; j++) {
            dead[j] = rng.nextInt(10) == 0;
        }
        double[][] w = new double[classes][n];
        double[] b = new double[classes];
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < n; j++) {
                w[k][j] = dead[j] ? 0 : 0.05 * gaussian(rng);
            }
            b[k] = 0.1 * gaussian(rng);
        }
        return new LinearSoftmax(Nd4j.create(w), Nd4j.createFromArray(b), inputShape.clone());
    }

    /** The logits of a linear model on images as a double [B, K] array. */
    static INDArray logits(LinearSoftmax model, LabeledImages images) {
        return model.logits(images.features()).castTo(DataType.DOUBLE);
    }

    static double gaussian(SplittableRandom rng) {
        // Box-Muller: a normal draw from the seeded stream, the same on every JVM
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
