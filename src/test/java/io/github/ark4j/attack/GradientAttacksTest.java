package io.github.ark4j.attack;

import io.github.ark4j.model.LinearSoftmax;
import io.github.ark4j.data.LabeledImages;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.*;

/** FGSM and BIM/PGD on a linear softmax model whose gradients are known in closed form. */
class GradientAttacksTest {
    static final long[] SHAPE = {1, 4, 4};

    static LinearSoftmax model() {
        Nd4j.getRandom().setSeed(21);
        return new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 3, 16), Nd4j.randn(DataType.DOUBLE, 3).muli(0.1), SHAPE);
    }

    static INDArray inputs(int n) {
        Nd4j.getRandom().setSeed(22);
        return Nd4j.rand(DataType.FLOAT, n, 1, 4, 4).muli(0.6).addi(0.2);
    }

    @Test
    void fgsmIsTheSignOfTheClosedFormGradientTimesEpsilon() {
        LinearSoftmax m = model();
        INDArray x = inputs(8);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        Fgsm fgsm = Fgsm.builder().epsilon(0.1).build();
        INDArray delta = fgsm.perturbation(m, x, y, null);
        // ∂L/∂x = (softmax(Wx+b) − y)ᵀ W
        INDArray p = TemperatureSoftmax.of(m.logits(x));
        INDArray g = p.subi(LabeledImages.oneHot(y, 3).castTo(DataType.DOUBLE)).mmul(m.w).reshape(x.shape());
        assertEquals(Transforms.sign(g).muli(0.1).castTo(DataType.FLOAT), delta.castTo(DataType.FLOAT));
        // budget: exactly ε before clipping, at most ε after, always inside [0,1]
        assertEquals(0.1, Transforms.abs(delta).minNumber().doubleValue(), 1e-7);
        AttackResult r = fgsm.run(m, x, y);
        for (double li : r.linf()) {
            assertTrue(li <= 0.1 + 1e-7);
        }
        assertTrue(r.adversarial().minNumber().doubleValue() >= 0 && r.adversarial().maxNumber().doubleValue() <= 1);
    }

    @Test
    void theExactDirectionIsTheLossGradientsDirectionWhereNothingCancels() {
        LinearSoftmax m = model();
        INDArray x = inputs(8);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        int[] t = {1, 2, 0, 2, 0, 1, 1, 0};
        for (int[] targets : new int[][]{null, t}) {
            assertEquals(Fgsm.builder().epsilon(0.1).build().perturbation(m, x, y, targets),
                    Fgsm.builder().epsilon(0.1).exactDirection(true).build().perturbation(m, x, y, targets));
            INDArray l2 = Fgsm.builder().epsilon(0.5).norm(Norm.L2).build().perturbation(m, x, y, targets);
            INDArray exactL2 = Fgsm.builder().epsilon(0.5).norm(Norm.L2).exactDirection(true).build().perturbation(m, x, y, targets);
            assertEquals(0, Transforms.abs(l2.sub(exactL2)).maxNumber().doubleValue(), 1e-5);
        }
    }

    /**
     * A linear softmax net so confident that p_y rounds to 1 even in double: the exact loss gradient is
     * Σ_{k≠y} p_k (W_k − W_y), dominated by the runner-up class j when its logit is far above the third's, so FGSM must
     * step along sign(W_j − W_y) — towards the runner-up and away from the true class.
     */
    @Test
    void onASaturatedNetTheExactDirectionStepsTowardsTheRunnerUp() {
        LinearSoftmax base = model();
        LinearSoftmax m = new LinearSoftmax(base.w.mul(400), base.b, SHAPE);
        int n = 32;
        INDArray x = inputs(n);
        INDArray z = m.logits(x);
        int[] y = m.predict(x);
        INDArray delta = Fgsm.builder().epsilon(0.1).exactDirection(true).build().perturbation(m, x, y, null);
        int checked = 0;
        for (int i = 0; i < n; i++) {
            int a = (y[i] + 1) % 3;
            int b = (y[i] + 2) % 3;
            int runnerUp = z.getDouble(i, a) >= z.getDouble(i, b) ? a : b;
            int third = a + b - runnerUp;
            if (z.getDouble(i, y[i]) - z.getDouble(i, runnerUp) < 40 || z.getDouble(i, runnerUp) - z.getDouble(i, third) < 40) {
                continue; // not the saturated case this test is about
            }
            INDArray expected = Transforms.sign(m.w.getRow(runnerUp).sub(m.w.getRow(y[i]))).muli(0.1).reshape(SHAPE).castTo(DataType.FLOAT);
            assertEquals(expected, delta.get(NDArrayIndex.point(i)).castTo(DataType.FLOAT), "sample " + i);
            checked++;
        }
        assertTrue(checked >= 5, "only " + checked + " of " + n + " samples are saturated with a clear runner-up");
    }

    @Test
    void fgsmL2StepHasNormEpsilon() {
        LinearSoftmax m = model();
        INDArray x = inputs(4);
        INDArray delta = Fgsm.builder().epsilon(0.5).norm(Norm.L2).build().perturbation(m, x, new int[]{0, 1, 2, 0}, null);
        for (double n : delta.reshape(4, -1).norm2(1).toDoubleVector()) {
            assertEquals(0.5, n, 1e-5);
        }
    }

    @Test
    void oneStepOfPgdOfSizeEpsilonIsFgsm() {
        LinearSoftmax m = model();
        INDArray x = inputs(8);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        AttackResult fgsm = Fgsm.builder().epsilon(0.2).build().run(m, x, y);
        AttackResult pgd = Pgd.bim().epsilon(0.2).stepSize(0.2).iterations(1).earlyStop(false).build().run(m, x, y);
        assertEquals(fgsm.adversarial(), pgd.adversarial());
    }

    @Test
    void pgdStaysInItsBall() {
        LinearSoftmax m = model();
        INDArray x = inputs(16);
        int[] y = new int[16];
        for (Norm norm : Norm.values()) {
            double eps = norm == Norm.LINF ? 0.05 : 0.3;
            AttackResult r = Pgd.builder().epsilon(eps).stepSize(eps / 4).iterations(20).norm(norm).earlyStop(false).seed(3).build().run(m, x, y);
            double[] d = norm == Norm.LINF ? r.linf() : r.l2();
            for (double v : d) {
                assertTrue(v <= eps + 1e-6, norm + " distortion " + v + " > " + eps);
            }
            assertTrue(r.adversarial().minNumber().doubleValue() >= 0 && r.adversarial().maxNumber().doubleValue() <= 1);
        }
    }

    /**
     * Early stopping leaves each sample where it first became adversarial: its x' is that of the same attack without
     * early stopping after as many steps as it used, one step fewer was not yet adversarial, and a sample that ran out
     * of steps is the full attack's. Untargeted and targeted, with a random start.
     */
    @Test
    void earlyStopKeepsEachSampleAtItsFirstSuccess() {
        LinearSoftmax m = model();
        INDArray x = inputs(24);
        int[] y = m.predict(x);
        int[] t = new int[24];
        for (int i = 0; i < 24; i++) {
            t[i] = (y[i] + 1 + i % 2) % 3;
        }
        java.util.function.BiFunction<Integer, Boolean, Pgd> pgd = (steps, earlyStop) -> Pgd.builder().epsilon(0.1)
                .stepSize(0.01).iterations(steps).randomStart(true).seed(4).earlyStop(earlyStop).build();
        for (int[] targets : new int[][]{null, t}) {
            AttackResult stopped = pgd.apply(15, true).run(m, x, y, targets);
            int[] used = stopped.iterations();
            int early = 0;
            for (int i = 0; i < 24; i++) {
                INDArray row = stopped.adversarial().get(NDArrayIndex.point(i));
                if (used[i] > 0) {
                    INDArray full = pgd.apply(used[i], false).run(m, x, y, targets).adversarial();
                    assertEquals(0, row.sub(full.get(NDArrayIndex.point(i))).amaxNumber().doubleValue(), 1e-6, "sample " + i);
                }
                if (used[i] < 15) {
                    early++;
                    assertTrue(stopped.success()[i], "sample " + i + " stopped after " + used[i] + " steps without success");
                    if (used[i] > 1) {
                        assertFalse(pgd.apply(used[i] - 1, false).run(m, x, y, targets).success()[i],
                                "sample " + i + " was adversarial before step " + used[i]);
                    }
                }
            }
            assertTrue(early > 0 && early < 24, early + " of 24 samples stopped early: the test needs both kinds");
        }
        // a batch that becomes adversarial entirely stops there
        AttackResult all = Pgd.bim().epsilon(1).stepSize(0.5).iterations(20).build().run(m, x, y);
        for (int i = 0; i < 24; i++) {
            assertTrue(all.success()[i] && all.iterations()[i] < 20, "sample " + i);
        }
    }

    @Test
    void targetedAttackMovesTowardsItsTarget() {
        LinearSoftmax m = model();
        INDArray x = inputs(12);
        int[] y = new int[12];
        int[] t = new int[12];
        java.util.Arrays.fill(t, 2);
        INDArray p0 = TemperatureSoftmax.of(m.logits(x));
        AttackResult r = Pgd.bim().epsilon(0.1).stepSize(0.02).iterations(5).earlyStop(false).build().run(m, x, y, t);
        INDArray p1 = TemperatureSoftmax.of(m.logits(r.adversarial()));
        for (int i = 0; i < 12; i++) {
            assertTrue(p1.getDouble(i, 2) > p0.getDouble(i, 2), "sample " + i);
        }
    }

    @Test
    void badInputsNameTheParameter() {
        LinearSoftmax m = model();
        INDArray x = inputs(2);
        Fgsm f = Fgsm.builder().build();
        assertMessage("epsilon", () -> Fgsm.builder().epsilon(-0.1));
        assertMessage("epsilon", () -> Fgsm.builder().epsilon(Double.NaN));
        assertMessage("epsilon", () -> Fgsm.builder().epsilon(1.5).build());
        assertMessage("labels", () -> f.run(m, x, new int[]{0}));
        assertMessage("targets[1]", () -> f.run(m, x, new int[]{0, 1}, new int[]{2, 1}));
        INDArray nan = x.dup();
        nan.putScalar(0, Double.NaN);
        assertMessage("NaN", () -> f.run(m, nan, new int[]{0, 1}));
        assertMessage("[0, 1]", () -> f.run(m, x.add(1), new int[]{0, 1}));
        assertMessage("shape", () -> f.run(m, Nd4j.rand(DataType.FLOAT, 2, 1, 5, 5), new int[]{0, 1}));
        assertMessage("iterations", () -> Pgd.builder().iterations(0));
        assertMessage("gamma", () -> Jsma.builder().gamma(0));
        assertMessage("gamma", () -> Jsma.builder().gamma(1.2));
        assertMessage("theta", () -> Jsma.builder().theta(0.5));
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }

    /** softmax at T = 1 (a small local helper so the test states the formula it checks). */
    static final class TemperatureSoftmax {
        static INDArray of(INDArray z) {
            return io.github.ark4j.model.TemperatureCrossEntropy.softmax(z, 1);
        }
    }
}
