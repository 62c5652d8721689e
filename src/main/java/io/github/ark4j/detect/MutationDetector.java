package io.github.ark4j.detect;

import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The detector of Wang et al. (ICSE 2019, Algorithm 1; PAPERS.md [2]): an input is adversarial when its label
 * change rate under mutation is significantly above that of normal inputs, decided by {@link Sprt} one mutant at a
 * time. Batched: each mutant labels all still-undecided inputs at once, and decided inputs drop out; an input still
 * undecided after {@code maxMutants} (paper: 500) is declared normal.
 */
public final class MutationDetector {
    private final Sprt sprt;
    private final int maxMutants;

    /** Per input: the decision, the mutants used and the label change rate over them. */
    public record Result(Sprt.Decision[] decisions, int[] mutantsUsed, double[] lcr) {
        /** Share of inputs declared adversarial. */
        public double adversarialShare() {
            return Arrays.stream(decisions).filter(d -> d == Sprt.Decision.ADVERSARIAL).count() / (double) decisions.length;
        }

        public double meanMutantsUsed() {
            return Arrays.stream(mutantsUsed).average().orElse(Double.NaN);
        }
    }

    public MutationDetector(Sprt sprt, int maxMutants) {
        if (maxMutants < 1) {
            throw new IllegalArgumentException("maxMutants must be ≥ 1, got " + maxMutants);
        }
        this.sprt = sprt;
        this.maxMutants = maxMutants;
    }

    /**
     * ρ_nr: the upper bound of the 99% confidence interval of the mean label change rate of normal inputs
     * (mean + 2.576·s/√n).
     */
    public static double calibrate(double[] normalLcr) {
        int n = normalLcr.length;
        if (n < 2) {
            throw new IllegalArgumentException("normalLcr must hold at least 2 values, got " + n);
        }
        double mean = Arrays.stream(normalLcr).average().orElseThrow();
        double var = Arrays.stream(normalLcr).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        return mean + 2.576 * Math.sqrt(var / n);
    }

    public Result detect(Mutants mutants, INDArray x) {
        int b = (int) x.size(0);
        int[] reference = mutants.reference(x);
        int[] changes = new int[b];
        int[] used = new int[b];
        Sprt.Decision[] decision = new Sprt.Decision[b];
        Arrays.fill(decision, Sprt.Decision.UNDECIDED);
        int[] undecided = IntStream.range(0, b).toArray();
        int limit = Math.min(maxMutants, mutants.size());
        try (Progress p = Progress.start("SPRT over mutants", limit, "mutants")) {
            for (int k = 0; k < limit && undecided.length > 0; k++) {
                int[] idx = undecided;
                INDArray xs = idx.length == b ? x : x.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx)));
                int[] pred = mutants.labels(k, xs);
                for (int j = 0; j < idx.length; j++) {
                    int i = idx[j];
                    used[i]++;
                    if (pred[j] != reference[i]) {
                        changes[i]++;
                    }
                    decision[i] = sprt.decide(changes[i], used[i]);
                }
                undecided = Arrays.stream(idx).filter(i -> decision[i] == Sprt.Decision.UNDECIDED).toArray();
                p.step(1, " undecided " + undecided.length);
            }
        }
        for (int i : undecided) {
            decision[i] = Sprt.Decision.NORMAL;
        }
        double[] lcr = IntStream.range(0, b).mapToDouble(i -> used[i] == 0 ? 0 : changes[i] / (double) used[i]).toArray();
        return new Result(decision, used, lcr);
    }

    private static long[] toLong(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }
}
