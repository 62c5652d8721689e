package io.github.ark4j.eval;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.detect.Mutants;
import io.github.ark4j.detect.MutationDetector;
import io.github.ark4j.detect.Sprt;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The cost of mutation-testing detection (Wang et al. ICSE 2019, docs/papers.md [2]) next to the paper's cost model: for
 * each model-mutation operator, accepted mutants per second (drawing, mutating and the accuracy filter included), and
 * SPRT detection throughput on normal and FGSM inputs, batched ({@link MutationDetector#detect}: each mutant labels all
 * undecided inputs at once) against one input at a time ({@link MutationDetector#detectOneAtATime}: the authors' way,
 * every mutant loaded anew for every input). Both must reach the same decisions with the same mutants, or the benchmark
 * fails. ρ_nr is calibrated per operator on correctly classified training images, as in the experiment. And the label
 * changes of every mutant over the calibration and detection inputs, the experiment's pass, computed as it computes them
 * ({@link MutantSet#labeller}: from the original's activations at the first layer a mutant changes) against every
 * mutant run whole; both must give the same label changes.
 */
public final class MutationBenchmark {
    public static final String MUTANT_HEADER = "| dataset | operator | accepted | drawn | seconds | accepted mutants / s |\n"
            + "|---|---|---|---|---|---|";
    public static final String DETECTION_HEADER = "| dataset | operator | inputs | declared adversarial (normal / FGSM) | mean mutants / input "
            + "| batched inputs / s | one at a time inputs / s | speed-up |\n|---|---|---|---|---|---|---|---|";

    public static final String LABEL_CHANGE_HEADER = "| dataset | operator | inputs | mutants | whole mutants, labels / s "
            + "| from kept activations, labels / s | speed-up |\n|---|---|---|---|---|---|---|";

    private MutationBenchmark() {
    }

    public record LabelChangeRow(String dataset, ModelMutation operator, int inputs, int mutants, double wholeSeconds, double keptSeconds) {
        public String markdown() {
            double labels = (double) inputs * mutants;
            return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.0f | %.2fx |", dataset, operator, inputs, mutants,
                    labels / wholeSeconds, labels / keptSeconds, wholeSeconds / keptSeconds);
        }
    }

    public record MutantRow(String dataset, ModelMutation operator, int accepted, int drawn, double seconds) {
        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.2f |", dataset, operator, accepted, drawn, seconds, accepted / seconds);
        }
    }

    public record DetectionRow(String dataset, ModelMutation operator, int inputs, double normalDeclared, double fgsmDeclared,
                               double meanMutants, double batchedSeconds, double oneAtATimeSeconds) {
        public double speedUp() {
            return oneAtATimeSeconds / batchedSeconds;
        }

        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.0f%% / %.0f%% | %.1f | %.1f | %.2f | %.1fx |", dataset, operator, inputs,
                    100 * normalDeclared, 100 * fgsmDeclared, meanMutants, inputs / batchedSeconds, inputs / oneAtATimeSeconds, speedUp());
        }
    }

    public record Rows(List<MutantRow> mutants, List<LabelChangeRow> labelChanges, List<DetectionRow> detection) {
    }

    /** The inputs to detect on: {@code perGroup} correctly classified images, then the successful FGSM examples of the next {@code perGroup}. */
    public record Inputs(LabeledImages normal, LabeledImages fgsm) {
        public static Inputs of(NetworkClassifier model, LabeledImages test, int perGroup, double epsilon) {
            LabeledImages correct = Accuracy.correctlyClassified(model, test, 2 * perGroup);
            LabeledImages normal = correct.first(Math.min(perGroup, correct.size()));
            LabeledImages seeds = correct.select(IntStream.range(normal.size(), correct.size()).toArray());
            AttackResult r = Fgsm.builder().epsilon(epsilon).build().run(model, seeds.features(), seeds.labels());
            int[] ok = IntStream.range(0, r.size()).filter(i -> r.success()[i]).toArray();
            return new Inputs(normal, new LabeledImages("FGSM eps " + epsilon, r.adversarial(), seeds.labels(), seeds.classes()).select(ok));
        }

        /** The normal inputs followed by the FGSM ones. */
        public INDArray features() {
            return Nd4j.concat(0, normal.features(), fgsm.features());
        }
    }

    /**
     * Runs every operator: {@code mutants} accepted mutants at {@code rate} (at most 20 times as many drawn), accuracy
     * filter 90% of the original's on {@code validation}, the SPRT at μ = {@code mu} with at most {@code mutants} mutants.
     */
    public static Rows run(String dataset, NetworkClassifier model, double rate, int mutants, double mu, LabeledImages validation,
                           LabeledImages calibration, Inputs inputs) {
        List<MutantRow> mutantRows = new ArrayList<>();
        List<LabelChangeRow> labelChangeRows = new ArrayList<>();
        List<DetectionRow> detectionRows = new ArrayList<>();
        for (ModelMutation op : ModelMutation.values()) {
            long t0 = System.nanoTime();
            MutantSet set = MutantSet.generate(model, op, rate, mutants, 20 * mutants, 0.9, validation);
            MutantRow m = new MutantRow(dataset, op, set.size(), set.drawn(), (System.nanoTime() - t0) / 1e9);
            Progress.log(m.markdown());
            mutantRows.add(m);
            labelChangeRows.add(labelChanges(dataset, set, Nd4j.concat(0, calibration.features(), inputs.features())));

            double rhoNr = MutationDetector.calibrate(set.labelChangeRate(calibration.features(), set.size()));
            DetectionRow d = detection(dataset, set, MutationDetector.forNormalRate(rhoNr, mu, set.size()), inputs);
            detectionRows.add(d);
        }
        return new Rows(mutantRows, labelChangeRows, detectionRows);
    }

    /**
     * Times the label changes of every mutant of the set on x, as the experiment computes them and with every mutant run
     * whole, and checks that both are the same ({@link IllegalStateException} otherwise).
     */
    public static LabelChangeRow labelChanges(String dataset, MutantSet mutants, INDArray x) {
        // the same mutants without MutantSet's labeller: each labels x with a whole forward pass
        Mutants whole = new Mutants() {
            @Override
            public int size() {
                return mutants.size();
            }

            @Override
            public int[] reference(INDArray in) {
                return mutants.reference(in);
            }

            @Override
            public int[] labels(int k, INDArray in) {
                return mutants.labels(k, in);
            }
        };
        long t0 = System.nanoTime();
        boolean[][] fromKept = mutants.labelChanges(x, mutants.size());
        long t1 = System.nanoTime();
        boolean[][] fromWhole = whole.labelChanges(x, mutants.size());
        long t2 = System.nanoTime();
        if (!Arrays.deepEquals(fromKept, fromWhole)) {
            throw new IllegalStateException(mutants.operator() + ": label changes from the kept activations differ from the whole mutants'");
        }
        LabelChangeRow row = new LabelChangeRow(dataset, mutants.operator(), (int) x.size(0), mutants.size(), (t2 - t1) / 1e9, (t1 - t0) / 1e9);
        Progress.log(row.markdown());
        return row;
    }

    /**
     * Times one detector on the inputs, batched and then one input at a time, and checks that both reach the same
     * decisions with the same mutants ({@link IllegalStateException} otherwise).
     */
    public static DetectionRow detection(String dataset, MutantSet mutants, MutationDetector detector, Inputs inputs) {
        INDArray x = inputs.features();
        int normal = inputs.normal().size();
        long t1 = System.nanoTime();
        MutationDetector.Result batched = detector.detect(mutants, x);
        long t2 = System.nanoTime();
        MutationDetector.Result single = detector.detectOneAtATime(mutants, x);
        long t3 = System.nanoTime();
        if (!Arrays.equals(batched.decisions(), single.decisions()) || !Arrays.equals(batched.mutantsUsed(), single.mutantsUsed())) {
            throw new IllegalStateException(mutants.operator() + ": the batched and the one-at-a-time SPRT disagree");
        }
        DetectionRow d = new DetectionRow(dataset, mutants.operator(), (int) x.size(0), share(batched, 0, normal),
                share(batched, normal, (int) x.size(0)), batched.meanMutantsUsed(), (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        Progress.log(d.markdown());
        return d;
    }

    private static double share(MutationDetector.Result r, int from, int to) {
        long adversarial = IntStream.range(from, to).filter(i -> r.decisions()[i] == Sprt.Decision.ADVERSARIAL).count();
        return to > from ? adversarial / (double) (to - from) : Double.NaN;
    }
}
