package io.github.ark4j.detect;

import java.util.Arrays;

/** ROC curves and AUROC of a score that should be higher for positives (adversarial) than for negatives (normal). */
public final class Roc {
    private Roc() {
    }

    /**
     * The area under the ROC curve, the probability that a random positive scores above a random negative (ties
     * count half): the Mann-Whitney statistic, computed from ranks in O(n log n).
     */
    public static double auc(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            throw new IllegalArgumentException("positives and negatives must be non-empty, got " + positives.length + " and " + negatives.length);
        }
        int n = positives.length + negatives.length;
        double[][] all = new double[n][];
        for (int i = 0; i < positives.length; i++) {
            all[i] = new double[]{positives[i], 1};
        }
        for (int i = 0; i < negatives.length; i++) {
            all[positives.length + i] = new double[]{negatives[i], 0};
        }
        Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
        double rankSumPositives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && all[j][0] == all[i][0]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0; // average of ranks i+1..j
            for (int k = i; k < j; k++) {
                if (all[k][1] == 1) {
                    rankSumPositives += midRank;
                }
            }
            i = j;
        }
        double np = positives.length;
        return (rankSumPositives - np * (np + 1) / 2) / (np * negatives.length);
    }

    /**
     * A 95% percentile-bootstrap interval of {@link #auc}: {@code replicates} times, positives and negatives are each
     * resampled with replacement (their counts kept) and the AUROC recomputed; the interval is the 2.5th and 97.5th
     * percentile of the replicates. Seeded, so the same inputs give the same interval.
     *
     * @return {lower, upper}
     */
    public static double[] aucInterval(double[] positives, double[] negatives, int replicates, long seed) {
        if (replicates < 2) {
            throw new IllegalArgumentException("replicates: expected at least 2, got " + replicates);
        }
        auc(positives, negatives); // validates the inputs before any resampling
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] values = new double[replicates];
        for (int r = 0; r < replicates; r++) {
            values[r] = auc(resample(positives, random), resample(negatives, random));
        }
        Arrays.sort(values);
        return new double[]{percentile(values, 0.025), percentile(values, 0.975)};
    }

    private static double[] resample(double[] v, java.util.SplittableRandom random) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[random.nextInt(v.length)];
        }
        return out;
    }

    /** Linear interpolation between the closest ranks of a sorted array. */
    private static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** ROC points (false positive rate, true positive rate) for every threshold, from (0,0) to (1,1). */
    public static double[][] curve(double[] positives, double[] negatives) {
        double[] thresholds = java.util.stream.DoubleStream.concat(Arrays.stream(positives), Arrays.stream(negatives)).distinct()
                .sorted().toArray();
        double[] fpr = new double[thresholds.length + 2];
        double[] tpr = new double[thresholds.length + 2];
        for (int t = 0; t < thresholds.length; t++) {
            double th = thresholds[thresholds.length - 1 - t];
            fpr[t + 1] = Arrays.stream(negatives).filter(v -> v >= th).count() / (double) negatives.length;
            tpr[t + 1] = Arrays.stream(positives).filter(v -> v >= th).count() / (double) positives.length;
        }
        fpr[fpr.length - 1] = 1;
        tpr[tpr.length - 1] = 1;
        return new double[][]{fpr, tpr};
    }
}
