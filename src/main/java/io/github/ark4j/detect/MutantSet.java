package io.github.ark4j.detect;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.util.Progress;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Accurate mutants of a model (Wang et al. ICSE 2019, Section IV.A): mutants drawn with seeds 0, 1, 2, … are kept
 * only if their accuracy on a validation set is at least {@code minRelativeAccuracy} (paper: 90%) of the original's,
 * until {@code count} are accepted. Only the accepted seeds are stored; a mutant is regenerated on demand from
 * (operator, rate, seed), into one reusable network, so 500 mutants cost one model's memory.
 */
public final class MutantSet implements Mutants {
    private final NetworkClassifier original;
    private final INDArray originalParams;
    private final MultiLayerNetwork work;
    private final NetworkClassifier workClassifier;
    private final ModelMutation operator;
    private final double rate;
    private final long[] seeds;
    private final double[] accuracies;
    private final double originalAccuracy;
    private final int drawn;

    private MutantSet(NetworkClassifier original, ModelMutation operator, double rate, long[] seeds, double[] accuracies,
                      double originalAccuracy, int drawn) {
        this.original = original;
        this.originalParams = original.network().params().dup();
        this.work = original.network().clone();
        // the engine's layers, as the original's prefix activations and the mutants' suffixes run
        Engine.defaults().accelerate(work);
        this.workClassifier = new NetworkClassifier(work, original.inputShape());
        this.operator = operator;
        this.rate = rate;
        this.seeds = seeds;
        this.accuracies = accuracies;
        this.originalAccuracy = originalAccuracy;
        this.drawn = drawn;
    }

    /**
     * Draws mutants until {@code count} are accepted or {@code maxDraws} have been tried.
     *
     * @param validation the set the accuracy filter is measured on
     */
    public static MutantSet generate(NetworkClassifier original, ModelMutation operator, double rate, int count, int maxDraws,
                                     double minRelativeAccuracy, LabeledImages validation) {
        if (count < 1 || maxDraws < count) {
            throw new IllegalArgumentException("count must be ≥ 1 and maxDraws ≥ count, got count " + count + ", maxDraws " + maxDraws);
        }
        double base = Accuracy.of(original, validation);
        MutantSet probe = new MutantSet(original, operator, rate, new long[0], new double[0], base, 0);
        PrefixActivations prefix = PrefixActivations.of(original.network(), validation.features(), PrefixActivations.budgetBytes());
        List<Long> accepted = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        int draws = 0;
        try (Progress p = Progress.start(String.format(Locale.ROOT, "%s mutants (rate %s)", operator, rate), count, "accepted")) {
            for (long seed = 0; accepted.size() < count && draws < maxDraws; seed++, draws++) {
                double a = Accuracy.correct(probe.labels(seed, prefix), validation) / (double) validation.size();
                if (a >= minRelativeAccuracy * base) {
                    accepted.add(seed);
                    acc.add(a);
                    p.step(1, String.format(Locale.ROOT, " %d drawn", draws + 1));
                }
            }
        }
        return new MutantSet(original, operator, rate, accepted.stream().mapToLong(Long::longValue).toArray(),
                acc.stream().mapToDouble(Double::doubleValue).toArray(), base, draws);
    }

    /**
     * The mutant set a {@link #generate} call returned, from what it recorded: the accepted seeds, their validation
     * accuracies, the original's accuracy and the number of draws (a mutant is determined by operator, rate and seed).
     */
    public static MutantSet of(NetworkClassifier original, ModelMutation operator, double rate, long[] seeds, double[] accuracies,
                               double originalAccuracy, int drawn) {
        if (seeds.length != accuracies.length) {
            throw new IllegalArgumentException("seeds and accuracies differ in length: " + seeds.length + " and " + accuracies.length);
        }
        return new MutantSet(original, operator, rate, seeds.clone(), accuracies.clone(), originalAccuracy, drawn);
    }

    /**
     * Loads mutant {@code seed} into the reusable network (valid until the next load); returns the first layer it
     * changes.
     */
    private int load(long seed) {
        // the classifier's logits twin shares these parameters, so it sees the mutant too
        work.setParams(originalParams);
        return operator.mutate(work, rate, seed).firstLayer();
    }

    /** The labels mutant {@code seed} gives the inputs of {@code prefix}, from the last layer input it leaves unchanged. */
    private int[] labels(long seed, PrefixActivations prefix) {
        return prefix.labels(work, load(seed));
    }

    /** The i-th accepted mutant (valid until the next call). */
    public NetworkClassifier mutant(int i) {
        load(seeds[i]);
        return workClassifier;
    }

    @Override
    public int size() {
        return seeds.length;
    }

    @Override
    public int[] reference(INDArray x) {
        return Accuracy.predictions(original, x);
    }

    @Override
    public int[] labels(int k, INDArray x) {
        return Accuracy.predictions(mutant(k), x);
    }

    /** {@inheritDoc} The unmutated layers' activations of x are computed once ({@link PrefixActivations}). */
    @Override
    public IntFunction<int[]> labeller(INDArray x) {
        PrefixActivations prefix = PrefixActivations.of(original.network(), x, PrefixActivations.budgetBytes());
        return k -> labels(seeds[k], prefix);
    }

    public long[] seeds() {
        return seeds.clone();
    }

    /** Validation accuracy of each accepted mutant. */
    public double[] accuracies() {
        return accuracies.clone();
    }

    public double originalAccuracy() {
        return originalAccuracy;
    }

    /** How many mutants were drawn to accept {@link #size()}. */
    public int drawn() {
        return drawn;
    }

    public ModelMutation operator() {
        return operator;
    }

    public double rate() {
        return rate;
    }

    public NetworkClassifier original() {
        return original;
    }
}
