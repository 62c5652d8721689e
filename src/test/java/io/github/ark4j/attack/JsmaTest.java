package io.github.ark4j.attack;

import io.github.ark4j.model.LinearSoftmax;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.*;

class JsmaTest {

    /**
     * Two classes, six features; logits Z_0 = x·w0, Z_1 = x·w1 with target t = 1. Then α_i = w1_i and β_i = w0_i,
     * constant. Feature weights (w1, w0): f0 (3, −1), f1 (1, −4), f2 (2, 1), f3 (−1, −5), f4 (0.5, −0.5), f5 (2, −2).
     * Pair scores −(α_p+α_q)(β_p+β_q) among admissible pairs (α &gt; 0, β &lt; 0): (0,1) 4·5 = 20, (1,5) 3·6 = 18,
     * (0,5) 5·3 = 15, (0,3) 2·6 = 12, ... (1,3) has α = 0: not admissible; (3,5) 1·7 = 7. Best: (0, 1).
     */
    @Test
    void firstPairIsTheAnalyticBest() {
        INDArray w = Nd4j.create(new double[][]{{-1, -4, 1, -5, -0.5, -2}, {3, 1, 2, -1, 0.5, 2}});
        LinearSoftmax m = new LinearSoftmax(w, Nd4j.zeros(DataType.DOUBLE, 2), new long[]{1, 1, 6});
        Jsma jsma = Jsma.builder().gamma(1).build();
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 1, 6).addi(0.1f);
        INDArray[] ab = jsma.alphaBeta(m, x, new int[]{1});
        int[] pair = jsma.bestPair(ab[0].reshape(6).toFloatVector(), ab[1].reshape(6).toFloatVector(), new boolean[]{true, true, true, true, true, true});
        assertArrayEquals(new int[]{0, 1}, pair);
        // without f0 and f1 in the domain the best is (2,5)? (2,5): α 4, β −1 → 4; (3,5): α 1, β −7 → 7; (4,5): 2.5·2.5 = 6.25
        int[] next = jsma.bestPair(ab[0].reshape(6).toFloatVector(), ab[1].reshape(6).toFloatVector(), new boolean[]{false, false, true, true, true, true});
        assertArrayEquals(new int[]{3, 5}, next);
    }

    /** The pruned pair search returns exactly the exhaustive search's pair, ties included, for θ = ±1. */
    @Test
    void prunedPairSearchEqualsExhaustiveSearch() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        for (double theta : new double[]{1, -1}) {
            Jsma jsma = Jsma.builder().theta(theta).build();
            for (int trial = 0; trial < 300; trial++) {
                int n = 2 + rng.nextInt(120);
                float[] alpha = new float[n];
                float[] beta = new float[n];
                boolean[] domain = new boolean[n];
                for (int i = 0; i < n; i++) {
                    // heavy-tailed like real gradients, with coarse values for ties and exact zeros
                    alpha[i] = (float) (Math.round(rng.nextGaussian() * 4) * Math.pow(rng.nextDouble(), 3));
                    beta[i] = trial % 3 == 0 ? -alpha[i] : (float) (Math.round(rng.nextGaussian() * 4) * Math.pow(rng.nextDouble(), 3));
                    domain[i] = rng.nextDouble() < 0.8;
                }
                assertArrayEquals(exhaustive(theta, alpha, beta, domain), jsma.bestPair(alpha, beta, domain), "trial " + trial + ", theta " + theta);
            }
        }
    }

    /** The paper's search as written: every pair p &lt; q of the domain, the first strict maximum kept. */
    private static int[] exhaustive(double theta, float[] alpha, float[] beta, boolean[] domain) {
        float best = 0f;
        int[] pair = null;
        for (int p = 0; p < alpha.length; p++) {
            for (int q = p + 1; q < alpha.length; q++) {
                if (!domain[p] || !domain[q]) {
                    continue;
                }
                float sa = alpha[p] + alpha[q];
                float sb = beta[p] + beta[q];
                boolean admissible = theta > 0 ? sa > 0f && sb < 0f : sa < 0f && sb > 0f;
                if (admissible && -sa * sb > best) {
                    best = -sa * sb;
                    pair = new int[]{p, q};
                }
            }
        }
        return pair;
    }

    /** 20 random 8x8 inputs in [0, 0.5] for a random 4-class linear softmax model, its labels and random targets. */
    private record LinearCase(LinearSoftmax model, INDArray x, int[] labels, int[] targets) {
        static LinearCase random(long seed, long targetSeed) {
            Nd4j.getRandom().setSeed(seed);
            LinearSoftmax m = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 4, 64), Nd4j.zeros(DataType.DOUBLE, 4), new long[]{1, 8, 8});
            INDArray x = Nd4j.rand(DataType.FLOAT, 20, 1, 8, 8).muli(0.5f);
            int[] y = m.predict(x);
            return new LinearCase(m, x, y, Jsma.randomTargets(y, 4, targetSeed));
        }
    }

    @Test
    void changesAtMostGammaNFeaturesEachToTheBound() {
        LinearCase c = LinearCase.random(4, 9);
        INDArray x = c.x();
        int[] t = c.targets();
        Jsma jsma = Jsma.builder().gamma(0.1).build();
        AttackResult r = jsma.run(c.model(), x, c.labels(), t);
        int limit = jsma.maxChangedFeatures(64);
        assertEquals(6, limit);
        INDArray d = r.adversarial().sub(x).reshape(20, 64);
        INDArray adv = r.adversarial().reshape(20, 64);
        for (int i = 0; i < 20; i++) {
            assertTrue(r.l0()[i] <= limit, "sample " + i + " changed " + r.l0()[i]);
            for (int f = 0; f < 64; f++) {
                if (Math.abs(d.getDouble(i, f)) > 1e-6) {
                    assertEquals(1.0, adv.getDouble(i, f), 0.0, "changed features go to the bound");
                }
            }
            if (r.success()[i]) {
                assertEquals(t[i], r.after()[i]);
            }
        }
    }

    /** Batches of 7 give each sample exactly the result of the one-batch run, in input order. */
    @Test
    void runInBatchesEqualsOneBatch() {
        LinearCase c = LinearCase.random(6, 3);
        Jsma jsma = Jsma.builder().gamma(0.2).build();
        AttackResult whole = jsma.run(c.model(), c.x(), c.labels(), c.targets());
        AttackResult batched = jsma.runInBatches(c.model(), c.x(), c.labels(), c.targets(), 7);
        assertEquals(whole.adversarial(), batched.adversarial());
        assertArrayEquals(whole.success(), batched.success());
        assertArrayEquals(whole.after(), batched.after());
        assertArrayEquals(whole.iterations(), batched.iterations());
        assertArrayEquals(whole.l0(), batched.l0());
        assertThrows(IllegalArgumentException.class, () -> jsma.runInBatches(c.model(), c.x(), c.labels(), c.targets(), 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jsma.runInBatches(c.model(), c.x(),
                java.util.Arrays.copyOf(c.labels(), 10), java.util.Arrays.copyOf(c.targets(), 10), 7));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
    }

    /**
     * α and β of both variants against the model's Jacobians: α = row t, β = the sum of the other rows. On the softmax
     * the attack takes β = −α from Σ_j F_j = 1; the probability Jacobian here is computed row by row, independently.
     */
    @Test
    void alphaAndBetaAreJacobianRows() {
        Nd4j.getRandom().setSeed(5);
        LinearSoftmax m = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 5, 16), Nd4j.zeros(DataType.DOUBLE, 5), new long[]{1, 4, 4});
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 4, 4);
        int[] t = {1, 2, 3};
        for (Jsma.Output output : Jsma.Output.values()) {
            INDArray[] ab = Jsma.builder().output(output).temperature(2).build().alphaBeta(m, x, t);
            INDArray jac = (output == Jsma.Output.LOGITS ? m.logitJacobian(x) : m.probabilityJacobian(x, 2)).reshape(3, 5, 16);
            for (int i = 0; i < 3; i++) {
                INDArray row = jac.get(NDArrayIndex.point(i), NDArrayIndex.point(t[i]), NDArrayIndex.all());
                INDArray others = jac.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()).sum(0).subi(row);
                assertEquals(0, ab[0].reshape(3, 16).getRow(i).sub(row).amaxNumber().doubleValue(), 1e-12, output + " alpha");
                assertEquals(0, ab[1].reshape(3, 16).getRow(i).sub(others).amaxNumber().doubleValue(), 1e-12, output + " beta");
            }
        }
    }

    @Test
    void targetsAreRequired() {
        LinearSoftmax m = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 2, 4), Nd4j.zeros(DataType.DOUBLE, 2), new long[]{1, 2, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Jsma.builder().build().run(m, Nd4j.rand(DataType.FLOAT, 1, 1, 2, 2), new int[]{0}));
        assertTrue(e.getMessage().contains("targets"));
    }
}
