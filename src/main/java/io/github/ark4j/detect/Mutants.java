package io.github.ark4j.detect;

import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

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
     * Labels of one batch under mutant k for many k, as {@link #labels(int, INDArray)} gives them: an implementation may
     * prepare the batch once for all mutants (model mutants keep the unchanged layers' activations).
     */
    default IntFunction<int[]> labeller(INDArray x) {
        return k -> labels(k, x);
    }

    /**
     * Which of the first {@code count} mutants change each input's label: {@code changes[i][k]} is true when mutant k
     * labels input i otherwise than the unmutated model. Each mutant labels the whole batch at once.
     */
    default boolean[][] labelChanges(INDArray x, int count) {
        return labelChanges(x, 0, Math.min(count, size()));
    }

    /**
     * Which of mutants {@code from} to {@code to - 1} change each input's label: {@code changes[i][k - from]}. A mutant's
     * labels do not depend on the others, so ranges side by side are the changes of all their mutants at once.
     *
     * @throws IllegalArgumentException unless 0 ≤ from ≤ to ≤ {@link #size()}
     */
    default boolean[][] labelChanges(INDArray x, int from, int to) {
        if (from < 0 || from > to || to > size()) {
            throw new IllegalArgumentException("mutants: expected a range within 0.." + size() + ", got " + from + ".." + to);
        }
        int[] ref = reference(x);
        IntFunction<int[]> labels = labeller(x);
        boolean[][] changes = new boolean[ref.length][to - from];
        try (Progress p = Progress.start("label changes of " + ref.length + " inputs", to - from, "mutants")) {
            for (int k = from; k < to; k++) {
                int[] pred = labels.apply(k);
                for (int i = 0; i < ref.length; i++) {
                    changes[i][k - from] = pred[i] != ref[i];
                }
                p.step(1, null);
            }
        }
        return changes;
    }

    /**
     * {@link #labelChanges(INDArray, int)} of several sets of inputs (all of one input shape) from one pass of each
     * mutant over all of them, keyed as the sets are: each mutant is loaded once for all the groups of an experiment, and
     * the groups' inputs fill whole batches (a group of 30 alone would run a batch of 30).
     */
    default Map<String, boolean[][]> labelChanges(Map<String, INDArray> sets, int count) {
        return labelChanges(sets, 0, Math.min(count, size()));
    }

    /** {@link #labelChanges(Map, int)} for mutants {@code from} to {@code to - 1}. */
    default Map<String, boolean[][]> labelChanges(Map<String, INDArray> sets, int from, int to) {
        List<INDArray> parts = List.copyOf(sets.values());
        boolean[][] all = parts.isEmpty() ? new boolean[0][]
                : labelChanges(parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new)), from, to);
        Map<String, boolean[][]> out = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, INDArray> e : sets.entrySet()) {
            int n = (int) e.getValue().size(0);
            out.put(e.getKey(), Arrays.copyOfRange(all, offset, offset + n));
            offset += n;
        }
        return out;
    }

    /**
     * Label change rate (Wang et al. ICSE 2019, eq. 1): per input, the share of the first {@code count} mutants whose
     * label differs from the unmutated one.
     */
    default double[] labelChangeRate(INDArray x, int count) {
        return rates(labelChanges(x, count));
    }

    /** Per input, the share of true entries of its row of {@link #labelChanges}. */
    static double[] rates(boolean[][] changes) {
        return Arrays.stream(changes).mapToDouble(row -> {
            int c = 0;
            for (boolean b : row) {
                if (b) {
                    c++;
                }
            }
            return c / (double) row.length;
        }).toArray();
    }
}
