package io.github.ark4j.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class TemperatureCrossEntropyTest {
    static final IActivation ID = Activation.IDENTITY.getActivationFunction();

    @Test
    void gradientMatchesFiniteDifferencesForSoftLabels() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4, 10).muli(5);
        INDArray y = TemperatureCrossEntropy.softmax(Nd4j.randn(DataType.DOUBLE, 4, 10), 1);
        for (double t : new double[]{1, 2.5, 100}) {
            TemperatureCrossEntropy loss = new TemperatureCrossEntropy(t);
            INDArray g = loss.computeGradient(y, z, ID, null);
            for (int i = 0; i < 4; i++) {
                for (int k = 0; k < 10; k++) {
                    double o = z.getDouble(i, k);
                    z.putScalar(i, k, o + 1e-6);
                    double up = loss.computeScore(y, z, ID, null, false);
                    z.putScalar(i, k, o - 1e-6);
                    double down = loss.computeScore(y, z, ID, null, false);
                    z.putScalar(i, k, o);
                    assertEquals((up - down) / 2e-6, g.getDouble(i, k), 1e-7, "T=" + t);
                }
            }
        }
    }

    @Test
    void stableWhereTheSoftmaxUnderflows() {
        INDArray z = Nd4j.create(new float[]{1000f, -1000f, 0f}, new long[]{1, 3});
        INDArray y = Nd4j.create(new float[]{0f, 1f, 0f}, new long[]{1, 3});
        TemperatureCrossEntropy loss = new TemperatureCrossEntropy(1);
        assertEquals(2000.0, loss.computeScore(y, z, ID, null, false), 1e-3);
        INDArray g = loss.computeGradient(y, z, ID, null);
        assertFalse(g.isNaN().any() || g.isInfinite().any());
        assertEquals(1.0, g.getDouble(0, 0), 1e-6);
        assertEquals(-1.0, g.getDouble(0, 1), 1e-6);
    }

    @Test
    void rejectsNonPositiveTemperature() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TemperatureCrossEntropy(0));
        assertTrue(e.getMessage().contains("temperature"));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureCrossEntropy(Double.NaN));
    }
}
