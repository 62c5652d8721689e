package io.github.ark4j.detect;

import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The detector of Wang et al. (ICSE 2019, Algorithm 1; docs/papers.md [2]): an input is adversarial when its label
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
            return adversarialCount() / (double) decisions.length;
        }

        /** Number of inputs declared adversarial. */
        public int adversarialCount() {
            return (int) Arrays.stream(decisions).filter(d -> d == Sprt.Decision.ADVERSARIAL).count();
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

    /**
     * The paper's detector for normal inputs whose label change rate is at most {@code rhoNr} (see {@link #calibrate}):
     * ρ_h = μ·ρ_nr, σ = 0.1·ρ_nr, α = β = 0.05. ρ_nr is floored at 10⁻³: mutants that never change a normal label give
     * ρ_nr = 0, where the test is undefined.
     */
    public static MutationDetector forNormalRate(double rhoNr, double mu, int maxMutants) {
        return new MutationDetector(Sprt.forNormalRate(Math.max(rhoNr, 1e-3), mu), maxMutants);
    }

    public Result detect(Mutants mutants, INDArray x) {
        try (Progress p = Progress.start("SPRT over mutants", Math.min(maxMutants, mutants.size()), "mutants")) {
            return test(mutants, x, p);
        }
    }

    /**
     * The same test one input at a time, the way the authors' implementation runs it: each input goes through the
     * mutants on its own, and every mutant is loaded anew for it. Gives exactly the decisions of {@link #detect}; it is
     * the baseline the batched detector's speed is measured against ({@code ark4j bench --mutation}).
     */
    public Result detectOneAtATime(Mutants mutants, INDArray x) {
        int b = (int) x.size(0);
        Sprt.Decision[] decisions = new Sprt.Decision[b];
        int[] used = new int[b];
        double[] lcr = new double[b];
        try (Progress p = Progress.start("SPRT one input at a time", b, "inputs")) {
            for (int i = 0; i < b; i++) {
                Result r = test(mutants, x.get(NDArrayIndex.interval(i, i + 1)).dup(), null);
                decisions[i] = r.decisions()[0];
                used[i] = r.mutantsUsed()[0];
                lcr[i] = r.lcr()[0];
                p.step(1, null);
            }
        }
        return new Result(decisions, used, lcr);
    }

    /**
     * The test on label changes already observed ({@code changes[i][k]}: mutant k changes input i's label, as
     * {@link Mutants#labelChanges} gives them), for when every mutant's label is needed anyway (the LCR and AUROC of
     * the experiments): the decisions and mutants used of {@link #detect} on the same mutants, with no forward pass.
     * Rows shorter than the maximum end the test there, as running out of mutants does.
     */
    public Result decide(boolean[][] changes) {
        int b = changes.length;
        Sprt.Decision[] decision = new Sprt.Decision[b];
        int[] used = new int[b];
        double[] lcr = new double[b];
        for (int i = 0; i < b; i++) {
            int limit = Math.min(maxMutants, changes[i].length);
            int z = 0;
            int n = 0;
            Sprt.Decision d = Sprt.Decision.UNDECIDED;
            while (d == Sprt.Decision.UNDECIDED && n < limit) {
                if (changes[i][n++]) {
                    z++;
                }
                d = sprt.decide(z, n);
            }
            decision[i] = d == Sprt.Decision.UNDECIDED ? Sprt.Decision.NORMAL : d;
            used[i] = n;
            lcr[i] = n == 0 ? 0 : z / (double) n;
        }
        return new Result(decision, used, lcr);
    }

    /** The batched test; {@code progress} (or null) advances one step per mutant. */
    private Result test(Mutants mutants, INDArray x, Progress progress) {
        int b = (int) x.size(0);
        int[] reference = mutants.reference(x);
        int[] changes = new int[b];
        int[] used = new int[b];
        Sprt.Decision[] decision = new Sprt.Decision[b];
        Arrays.fill(decision, Sprt.Decision.UNDECIDED);
        int[] undecided = IntStream.range(0, b).toArray();
        int limit = Math.min(maxMutants, mutants.size());
        for (int k = 0; k < limit && undecided.length > 0; k++) {
            int[] idx = undecided;
            INDArray xs = idx.length == b ? x : x.get(NDArrayIndex.indices(toLong(idx)));
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
            if (progress != null) {
                progress.step(1, " undecided " + undecided.length);
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
