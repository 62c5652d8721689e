package io.github.ark4j.detect;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.stream.IntStream;

/**
 * A sequence of mutants that relabel a batch: model mutants ({@link MutantSet}) or input mutants
 * ({@link InputMutants}). Mutant k always gives the same labels (it is determined by its seed).
 */
public interface Mutants {
    /** How many mutants there are. */
    int size();

    /** The unmutated labels of the batch. */
    int[] reference(INDArray x);

    /** The labels mutant k gives the batch (all inputs at once). */
    int[] labels(int k, INDArray x);

    /**
     * Label change rate (Wang et al. ICSE 2019, eq. 1): per input, the share of the first {@code count} mutants whose
     * label differs from the unmutated one.
     */
    default double[] labelChangeRate(INDArray x, int count) {
        int[] ref = reference(x);
        int m = Math.min(count, size());
        int[] changes = new int[ref.length];
        for (int k = 0; k < m; k++) {
            int[] pred = labels(k, x);
            for (int i = 0; i < ref.length; i++) {
                if (pred[i] != ref[i]) {
                    changes[i]++;
                }
            }
        }
        return IntStream.range(0, ref.length).mapToDouble(i -> changes[i] / (double) m).toArray();
    }
}
