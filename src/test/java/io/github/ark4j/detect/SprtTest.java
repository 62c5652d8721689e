package io.github.ark4j.detect;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Wald's SPRT against theory on Bernoulli streams, the batched detector on synthetic mutants, calibration and AUROC. */
class SprtTest {
    private static final int RUNS = 4000;

    /** Runs the test on a Bernoulli(p) stream until it decides; returns {decision (1 = adversarial), samples}. */
    private static int[] run(Sprt t, double p, SplittableRandom rng) {
        int z = 0;
        for (int n = 1; ; n++) {
            if (rng.nextDouble() < p) {
                z++;
            }
            Sprt.Decision d = t.decide(z, n);
            if (d != Sprt.Decision.UNDECIDED) {
                return new int[]{d == Sprt.Decision.ADVERSARIAL ? 1 : 0, n};
            }
        }
    }

    @Test
    void errorRatesStayWithinAlphaAndBetaAndTheSampleNumberMatchesWald() {
        Sprt t = new Sprt(0.10, 0.03, 0.05, 0.05);
        SplittableRandom rng = new SplittableRandom(42);
        double slack = 3 * Math.sqrt(0.05 * 0.95 / RUNS); // three standard errors of a simulated rate
        for (double p : new double[]{t.p0(), t.p1()}) {
            int wrong = 0;
            long samples = 0;
            for (int r = 0; r < RUNS; r++) {
                int[] out = run(t, p, rng);
                wrong += p == t.p0() ? out[0] : 1 - out[0];
                samples += out[1];
            }
            double errorRate = wrong / (double) RUNS;
            assertTrue(errorRate <= 0.05 + slack, "error rate at p = " + p + ": " + errorRate);
            double asn = t.averageSampleNumber(p, p == t.p0() ? 0.95 : 0.05);
            double mean = samples / (double) RUNS;
            assertEquals(asn, mean, 0.15 * asn, "mean sample number at p = " + p + " vs Wald's approximation");
        }
    }

    @Test
    void paperParametersAndBadInput() {
        Sprt t = Sprt.forNormalRate(0.05, 1.0);
        assertEquals(0.045, t.p0(), 1e-12);
        assertEquals(0.055, t.p1(), 1e-12);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Sprt(0.05, 0.06, 0.05, 0.05)).getMessage().contains("sigma"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Sprt(0.5, 0.1, 0.6, 0.05)).getMessage().contains("alpha"));
    }

    @Test
    void calibrationIsTheUpperBoundOfThe99PercentInterval() {
        double[] lcr = {0.0, 0.02, 0.04, 0.02};
        double mean = 0.02;
        double sd = Math.sqrt((0.0004 + 0 + 0.0004 + 0) / 3);
        assertEquals(mean + 2.576 * sd / 2, MutationDetector.calibrate(lcr), 1e-12);
    }

    @Test
    void aucCountsOrderedPairsWithTiesAsHalf() {
        assertEquals(1.0, Roc.auc(new double[]{0.5, 0.6}, new double[]{0.1, 0.2}), 1e-12);
        assertEquals(0.5, Roc.auc(new double[]{0.3, 0.3}, new double[]{0.3}), 1e-12);
        // pairs: (0.4 > 0.1), (0.4 < 0.5), (0.6 > 0.1), (0.6 > 0.5) → 3 of 4
        assertEquals(0.75, Roc.auc(new double[]{0.4, 0.6}, new double[]{0.1, 0.5}), 1e-12);
        double[][] c = Roc.curve(new double[]{0.4, 0.6}, new double[]{0.1, 0.5});
        assertEquals(0, c[0][0]);
        assertEquals(1, c[1][c[1].length - 1]);
        for (int i = 1; i < c[0].length; i++) {
            assertTrue(c[0][i] >= c[0][i - 1] && c[1][i] >= c[1][i - 1], "monotone");
        }
    }

    /** Synthetic mutants: input i's label flips with probability rate[i] under each mutant, independently. */
    private record BernoulliMutants(double[] rate, int count, long seed) implements Mutants {
        @Override
        public int size() {
            return count;
        }

        @Override
        public int[] reference(INDArray x) {
            return new int[(int) x.size(0)];
        }

        @Override
        public int[] labels(int k, INDArray x) {
            // x carries each input's index so that a subset keeps its flip probabilities
            double[] id = x.reshape(x.size(0), -1).getColumn(0).toDoubleVector();
            int[] out = new int[id.length];
            for (int j = 0; j < id.length; j++) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + k * 7919L + (long) id[j]);
                out[j] = r.nextDouble() < rate[(int) id[j]] ? 1 : 0;
            }
            return out;
        }
    }

    @Test
    void batchedDetectorSeparatesHighFromLowChangeRates() {
        int n = 400;
        double[] rate = new double[n];
        for (int i = 0; i < n; i++) {
            rate[i] = i < n / 2 ? 0.02 : 0.5;
        }
        INDArray x = Nd4j.arange(n).castTo(DataType.DOUBLE).reshape(n, 1);
        Sprt sprt = Sprt.forNormalRate(0.04, 2.0);
        MutationDetector.Result r = new MutationDetector(sprt, 500).detect(new BernoulliMutants(rate, 500, 9), x);
        int falseAlarms = 0;
        int misses = 0;
        for (int i = 0; i < n; i++) {
            if (i < n / 2 && r.decisions()[i] == Sprt.Decision.ADVERSARIAL) {
                falseAlarms++;
            }
            if (i >= n / 2 && r.decisions()[i] != Sprt.Decision.ADVERSARIAL) {
                misses++;
            }
        }
        assertTrue(falseAlarms <= 0.06 * n / 2, "false alarms " + falseAlarms);
        assertTrue(misses <= 0.06 * n / 2, "misses " + misses);
        double usedAdversarial = java.util.stream.IntStream.range(n / 2, n).map(i -> r.mutantsUsed()[i]).average().orElseThrow();
        // far above p1, H0 is (almost) never accepted: Wald's E[n] ≈ ln((1 − β)/α) / E[step]
        double asn = sprt.averageSampleNumber(0.5, 0);
        assertEquals(asn, usedAdversarial, 0.15 * asn, "mutants used at LCR 0.5");
    }

    @Test
    void oneInputAtATimeAndReplayedChangesGiveTheBatchedDecisions() {
        int n = 60;
        double[] rate = new double[n];
        for (int i = 0; i < n; i++) {
            rate[i] = i % 3 == 0 ? 0.5 : i % 3 == 1 ? 0.05 : 0.03;
        }
        INDArray x = Nd4j.arange(n).castTo(DataType.DOUBLE).reshape(n, 1);
        MutationDetector detector = new MutationDetector(Sprt.forNormalRate(0.04, 1.2), 300);
        BernoulliMutants mutants = new BernoulliMutants(rate, 300, 4);
        MutationDetector.Result batched = detector.detect(mutants, x);
        MutationDetector.Result single = detector.detectOneAtATime(mutants, x);
        assertArrayEquals(batched.decisions(), single.decisions());
        assertArrayEquals(batched.mutantsUsed(), single.mutantsUsed());
        assertArrayEquals(batched.lcr(), single.lcr(), 0.0);
        MutationDetector.Result replayed = detector.decide(mutants.labelChanges(x, 300));
        assertArrayEquals(batched.decisions(), replayed.decisions());
        assertArrayEquals(batched.mutantsUsed(), replayed.mutantsUsed());
        assertArrayEquals(batched.lcr(), replayed.lcr(), 0.0);
        // the inputs drop out at different mutants, so the batch really shrinks along the way
        assertTrue(Arrays.stream(batched.mutantsUsed()).distinct().count() > 5, Arrays.toString(batched.mutantsUsed()));
    }
}
