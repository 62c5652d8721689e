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
        int[] ref = reference(x);
        IntFunction<int[]> labels = labeller(x);
        int m = Math.min(count, size());
        boolean[][] changes = new boolean[ref.length][m];
        try (Progress p = Progress.start("label changes of " + ref.length + " inputs", m, "mutants")) {
            for (int k = 0; k < m; k++) {
                int[] pred = labels.apply(k);
                for (int i = 0; i < ref.length; i++) {
                    changes[i][k] = pred[i] != ref[i];
                }
                p.step(1, null);
            }
        }
        return changes;
    }

    /**
     * {@link #labelChanges(INDArray, int)} of several sets of inputs (all of one input shape) from one pass of each
     * mutant over all of them, keyed as the sets are: on CIFAR-10 loading a model mutant costs about as much as
     * labelling 1,000 inputs, so one pass over all the groups of an experiment halves its cost and more.
     */
    default Map<String, boolean[][]> labelChanges(Map<String, INDArray> sets, int count) {
        List<INDArray> parts = List.copyOf(sets.values());
        boolean[][] all = parts.isEmpty() ? new boolean[0][] : labelChanges(parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new)), count);
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
