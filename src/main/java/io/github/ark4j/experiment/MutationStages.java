package io.github.ark4j.experiment;

import io.github.ark4j.attack.Attack;
import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.BlackBoxSubstitute;
import io.github.ark4j.attack.CarliniWagnerL2;
import io.github.ark4j.attack.DeepFool;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.InputMutants;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.detect.MutationDetector;
import io.github.ark4j.detect.Mutants;
import io.github.ark4j.detect.Roc;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.Sha256;
import io.github.ark4j.util.StageCache;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The stages of {@link MutationDetection}, each kept in the {@link StageCache} under a key made of everything it reads
 * (model parameters, inputs, parameters), so that a stopped run resumes and a changed input recomputes: the adversarial
 * inputs of each attack, the accepted mutants of each operator, and the label changes each mutant source makes on every
 * group. Returns typed {@link MutationResults}; tables and charts are {@link MutationReport}'s.
 */
final class MutationStages {
    /** The key of the calibration inputs beside the groups in the label-change pass (no group is named so). */
    private static final String CALIBRATION = " calibration";

    private final MutationDetection experiment;
    private final StageCache stages;

    MutationStages(MutationDetection experiment, StageCache stages) {
        this.experiment = experiment;
        this.stages = stages;
    }

    /** Builds the groups: normal and wrongly labelled test inputs, and the successful adversarial inputs of each attack. */
    MutationResults.Groups groups(NetworkClassifier model, LabeledImages test, Profile profile) throws IOException {
        Dataset dataset = experiment.dataset();
        int n = profile.sizes(dataset).attackSamples();
        int[] pred = Accuracy.predictions(model, test.features());
        int[] correct = IntStream.range(0, test.size()).filter(i -> pred[i] == test.label(i)).toArray();
        int[] wrong = IntStream.range(0, test.size()).filter(i -> pred[i] != test.label(i)).limit(n).toArray();
        LabeledImages normal = test.select(Arrays.copyOfRange(correct, 0, Math.min(n, correct.length)));
        // the attacks start from other correctly classified inputs than the normal group
        LabeledImages seeds = test.select(Arrays.copyOfRange(correct, Math.min(n, correct.length), Math.min(2 * n, correct.length)));
        Map<String, LabeledImages> g = new LinkedHashMap<>();
        g.put("normal", normal);
        g.put("wrong", test.select(wrong));
        int[] targets = Jsma.randomTargets(seeds.labels(), seeds.classes(), 1);
        boolean quick = profile == Profile.QUICK;
        Map<String, Attack> attacks = new LinkedHashMap<>();
        attacks.put("FGSM", Fgsm.builder().epsilon(experiment.fgsmEpsilon()).build());
        attacks.put("JSMA", Jsma.builder().gamma(0.12).build());
        attacks.put("DeepFool", DeepFool.builder().build());
        // full: the paper's fixed c = 0.6 with 1,000 Adam steps; quick: 150 steps, with a short search over c from 0.6 to make
        // up for them
        attacks.put("C&W", CarliniWagnerL2.builder().initialConstant(0.6).binarySteps(quick ? 4 : 1).iterations(quick ? 150 : 1000).build());
        if (dataset == Dataset.MNIST) { // Papernot'17's substitute is an MNIST model
            // the black-box attacker's own 150 images: the last test images, apart from the normal and seed groups
            LabeledImages attackerData = test.select(IntStream.range(Math.max(0, test.size() - 150), test.size()).toArray());
            attacks.put("black-box", BlackBoxSubstitute.builder().build().train(model, attackerData.features()));
        }
        Map<String, String> names = new LinkedHashMap<>();
        // hashed once for all attacks: the model's 1.1 M CIFAR-10 weights and the 1,000 seeds
        String seedsKey = Sha256.of(model.network().params()) + "|" + Sha256.of(seeds.features())
                + Arrays.toString(seeds.labels());
        for (Map.Entry<String, Attack> a : attacks.entrySet()) {
            names.put(a.getKey(), a.getValue().name());
            Progress.log("ark4j: " + a.getKey() + " on " + seeds.size() + " seeds");
            boolean jsma = a.getValue() instanceof Jsma;
            String key = seedsKey + "|" + a.getValue().name() + (jsma ? Arrays.toString(targets) : "");
            LabeledImages adv = stages.getOrCompute(a.getKey() + "-adversarial", key, MutationStageCodecs.ADVERSARIAL, () -> {
                // in batches of 100 for the progress bar: JSMA and C&W on 1,000 CIFAR-10 seeds run for many minutes each
                AttackResult r = a.getValue().runInBatches(model, seeds.features(), seeds.labels(), jsma ? targets : null, 100);
                int[] ok = IntStream.range(0, r.size()).filter(i -> r.success()[i]).toArray();
                LabeledImages all = new LabeledImages(a.getKey() + " adversarial", r.adversarial(), seeds.labels(), seeds.classes());
                long[] none = seeds.features().shape().clone();
                none[0] = 0;
                return ok.length > 0 ? all.select(ok) : new LabeledImages(all.name(), Nd4j.create(DataType.FLOAT, none), new int[0], all.classes());
            });
            if (adv.size() > 0) {
                g.put(a.getKey(), adv);
            }
        }
        return new MutationResults.Groups(g, names);
    }

    /** Runs every stage: groups, accepted mutants per operator, label changes per mutant source, and their statistics. */
    MutationResults run(NetworkClassifier model, LabeledImages test, LabeledImages train, Profile profile) throws IOException {
        Dataset dataset = experiment.dataset();
        double rate = experiment.rate();
        int maxMutants = profile.mutants(dataset);
        int samples = profile.sizes(dataset).attackSamples();
        MutationResults.Groups groups = groups(model, test, profile);
        LabeledImages validation = test.first(Math.min(profile.mutantFilterImages(dataset), test.size()));
        // ρ_nr is the upper bound of a 99% confidence interval: at least 200 normal inputs keep it from being inflated by
        // the interval's width when the groups are small (quick profile)
        LabeledImages calibration = Accuracy.correctlyClassified(model, train, Math.max(samples, 200));

        String modelKey = Sha256.of(model.network().params());
        Map<String, Mutants> sources = new LinkedHashMap<>();
        List<MutationResults.OperatorMutants> mutantStats = new ArrayList<>();
        for (ModelMutation op : ModelMutation.values()) {
            long t0 = System.nanoTime();
            MutantSet set = stages.getOrCompute(op + "-mutants", modelKey + "|" + op + "|" + rate + "|" + maxMutants + "|"
                            + Sha256.of(validation.features()) + Arrays.toString(validation.labels()),
                    MutationStageCodecs.mutantSetCodec(model, op, rate),
                    () -> MutantSet.generate(model, op, rate, maxMutants, 20 * maxMutants, 0.9, validation));
            mutantStats.add(new MutationResults.OperatorMutants(op.name(), set.size(), set.drawn(),
                    Arrays.stream(set.accuracies()).average().orElse(Double.NaN), set.originalAccuracy(), (System.nanoTime() - t0) / 1e9));
            sources.put(op.name(), set);
        }
        sources.put("input", new InputMutants(model, MutationDetection.INPUT_RATE, maxMutants));

        Map<String, INDArray> inputs = new LinkedHashMap<>();
        groups.samples().forEach((name, g) -> {
            if (g.size() > 0) {
                inputs.put(name, g.features());
            }
        });
        inputs.put(CALIBRATION, calibration.features());
        StringBuilder inputsKeyBuilder = new StringBuilder();
        inputs.forEach((name, x) -> inputsKeyBuilder.append(name).append('=').append(Sha256.of(x)).append(';'));
        String inputsKey = inputsKeyBuilder.toString();
        Map<String, MutationResults.SourceResults> results = new LinkedHashMap<>();
        for (Map.Entry<String, Mutants> src : sources.entrySet()) {
            String sourceKey = src.getValue() instanceof MutantSet ms ? modelKey + "|" + ms.operator() + "|" + ms.rate() + "|" + Arrays.toString(ms.seeds())
                    : modelKey + "|input|" + MutationDetection.INPUT_RATE;
            Map<String, boolean[][]> changes = stages.getOrCompute(src.getKey() + "-label-changes", sourceKey + "|" + maxMutants + "|" + inputsKey,
                    MutationStageCodecs.LABEL_CHANGES, () -> src.getValue().labelChanges(inputs, maxMutants));
            results.put(src.getKey(), statistics(src.getKey(), groups, changes, maxMutants));
        }
        return new MutationResults(groups, mutantStats, results, calibration.size(), validation.size());
    }

    /** Label change rates, AUROCs and SPRT decisions of one source, from the label changes of its mutants. */
    private static MutationResults.SourceResults statistics(String source, MutationResults.Groups groups,
                                                            Map<String, boolean[][]> changes, int maxMutants) {
        Map<String, double[]> lcr = new LinkedHashMap<>();
        for (String g : groups.samples().keySet()) {
            lcr.put(g, Mutants.rates(changes.getOrDefault(g, new boolean[0][])));
        }
        Map<String, Double> auroc = new LinkedHashMap<>();
        for (String attack : groups.attackGroups()) {
            auroc.put(attack, lcr.get(attack).length == 0 ? Double.NaN : Roc.auc(lcr.get(attack), lcr.get("normal")));
        }
        double rhoNr = MutationDetector.calibrate(Mutants.rates(changes.get(CALIBRATION)));
        MutationDetector detector = MutationDetector.forNormalRate(rhoNr, MutationDetection.MU, maxMutants);
        Map<String, MutationDetector.Result> detection = new LinkedHashMap<>();
        for (Map.Entry<String, LabeledImages> g : groups.samples().entrySet()) {
            if (g.getValue().size() == 0 || g.getKey().equals("wrong")) {
                continue;
            }
            // every mutant has labelled every input already: the SPRT replays those label changes, which gives the
            // decisions of MutationDetector.detect without its forward passes
            detection.put(g.getKey(), detector.decide(changes.get(g.getKey())));
        }
        return new MutationResults.SourceResults(source, lcr, auroc, rhoNr, detection);
    }
}
