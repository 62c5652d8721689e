package io.github.ark4j.attack;

import io.github.ark4j.model.Tensors;
import io.github.ark4j.model.LinearSoftmax;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/**
 * DeepFool and C&W L2 on linear softmax models, where the minimal L2 perturbation is known in closed form: for two
 * classes, the distance to the boundary (w₁ − w₀)·x + (b₁ − b₀) = 0 is |f(x)| / ‖w₁ − w₀‖ (DeepFool eq. 4).
 */
class MinimalPerturbationAttacksTest {
    private static final long[] SHAPE = {1, 4, 4};

    /** Two classes, small weights so the boundary is near and no pixel needs clipping. */
    private static LinearSoftmax binary() {
        Nd4j.getRandom().setSeed(31);
        return new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 2, 16), Nd4j.createFromArray(0.3, -0.3), SHAPE);
    }

    private static INDArray inputs() {
        Nd4j.getRandom().setSeed(32);
        return Nd4j.rand(DataType.DOUBLE, 12, 1, 4, 4).muli(0.2).addi(0.4);
    }

    /** |f(x)| / ‖w₁ − w₀‖ per sample. */
    private static double[] boundaryDistance(LinearSoftmax m, INDArray x) {
        INDArray z = m.logits(x);
        INDArray f = z.getColumn(1).sub(z.getColumn(0));
        double wn = m.w.getRow(1).sub(m.w.getRow(0)).norm2Number().doubleValue();
        double[] d = f.toDoubleVector();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]) / wn;
        }
        return d;
    }

    @Test
    void deepFoolStepsExactlyOntoTheNearestBoundaryOfAnAffineModel() {
        LinearSoftmax m = binary();
        INDArray x = inputs();
        int[] y = Tensors.argmaxRows(m.logits(x));
        double[] dist = boundaryDistance(m, x);
        AttackResult r = DeepFool.builder().build().run(m, x, y);
        double wn = m.w.getRow(1).sub(m.w.getRow(0)).norm2Number().doubleValue();
        for (int i = 0; i < y.length; i++) {
            assertTrue(r.success()[i], "sample " + i);
            assertEquals(1, r.iterations()[i], "one step suffices for an affine model");
            // (1 + overshoot)·(|f| + 1e-4)/‖w‖
            assertEquals(1.02 * (dist[i] + 1e-4 / wn), r.l2()[i], 1e-9, "sample " + i);
        }
    }

    @Test
    void deepFoolPicksTheNearestOfSeveralBoundaries() {
        Nd4j.getRandom().setSeed(33);
        LinearSoftmax m = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 5, 16), Nd4j.zeros(DataType.DOUBLE, 5), SHAPE);
        INDArray x = inputs();
        int[] y = Tensors.argmaxRows(m.logits(x));
        INDArray r = DeepFool.step(m.forwardPass(x), y);
        double[][] z = m.logits(x).toDoubleMatrix();
        for (int i = 0; i < y.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 5; k++) {
                if (k != y[i]) {
                    double wn = m.w.getRow(k).sub(m.w.getRow(y[i])).norm2Number().doubleValue();
                    best = Math.min(best, (Math.abs(z[i][k] - z[i][y[i]]) + 1e-4) / wn);
                }
            }
            assertEquals(best, r.getRow(i).norm2Number().doubleValue(), 1e-9, "eq. 12: the smallest linearised distance, sample " + i);
        }
    }

    @Test
    void carliniWagnerConvergesToTheMinimalDistanceWithinFivePercent() {
        LinearSoftmax m = binary();
        INDArray x = inputs();
        int[] y = Tensors.argmaxRows(m.logits(x));
        double[] dist = boundaryDistance(m, x);
        AttackResult r = CarliniWagnerL2.builder().binarySteps(12).iterations(1000).initialConstant(0.1).learningRate(0.005).build().run(m, x, y);
        for (int i = 0; i < y.length; i++) {
            assertTrue(r.success()[i], "sample " + i);
            assertTrue(r.l2()[i] >= dist[i] * (1 - 1e-6), "never below the minimum: " + r.l2()[i] + " vs " + dist[i]);
            assertEquals(dist[i], r.l2()[i], 0.05 * dist[i], "sample " + i);
        }
    }

    @Test
    void targetedCarliniWagnerReachesItsTargetsAndStaysInTheBox() {
        Nd4j.getRandom().setSeed(34);
        LinearSoftmax m = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 4, 16), Nd4j.zeros(DataType.DOUBLE, 4), SHAPE);
        INDArray x = inputs();
        int[] y = Tensors.argmaxRows(m.logits(x));
        int[] t = Jsma.randomTargets(y, 4, 5);
        AttackResult r = CarliniWagnerL2.builder().binarySteps(6).iterations(300).initialConstant(1).build().run(m, x, y, t);
        for (int i = 0; i < y.length; i++) {
            assertTrue(r.success()[i], "target reached, sample " + i);
        }
        assertTrue(r.adversarial().minNumber().doubleValue() >= 0 && r.adversarial().maxNumber().doubleValue() <= 1);
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeepFool.builder().overshoot(-0.1)).getMessage().contains("overshoot"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeepFool.builder().maxIterations(0)).getMessage().contains("maxIterations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CarliniWagnerL2.builder().confidence(Double.NaN)).getMessage().contains("confidence"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CarliniWagnerL2.builder().learningRate(0)).getMessage().contains("learningRate"));
        LinearSoftmax m = binary();
        INDArray x = inputs();
        int[] y = Tensors.argmaxRows(m.logits(x));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeepFool.builder().build().run(m, x, y, y)).getMessage().contains("targets"));
    }
}
