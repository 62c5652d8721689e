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
    /** The source of label changes that mutates inputs instead of the model. */
    static final String INPUT_SOURCE = "input";
    /** The mutants of one shard of a source's label changes. */
    static final int MUTANTS_PER_SHARD = 100;
    /** The adversarial group of the black-box substitute's attack. */
    private static final String BLACK_BOX = "black-box";

    private final MutationDetection experiment;
    private final StageCache stages;
    private final NetworkClassifier model;
    private final LabeledImages test;
    private final LabeledImages train;
    private final Profile profile;
    private final String modelKey;
    /** The normal and wrongly labelled groups and the attacks' seeds, from the model's predictions on the test images. */
    private final LabeledImages normal;
    private final LabeledImages wrong;
    private final LabeledImages seeds;
    private final int mutantsPerShard;

    MutationStages(MutationDetection experiment, StageCache stages, NetworkClassifier model, LabeledImages test, LabeledImages train,
                   Profile profile) {
        this(experiment, stages, model, test, train, profile, MUTANTS_PER_SHARD);
    }

    /** With label-change shards of {@code mutantsPerShard} mutants instead of {@value #MUTANTS_PER_SHARD}. */
    MutationStages(MutationDetection experiment, StageCache stages, NetworkClassifier model, LabeledImages test, LabeledImages train,
                   Profile profile, int mutantsPerShard) {
        if (mutantsPerShard < 1) {
            throw new IllegalArgumentException("mutantsPerShard: expected at least 1, got " + mutantsPerShard);
        }
        this.mutantsPerShard = mutantsPerShard;
        this.experiment = experiment;
        this.stages = stages;
        this.model = model;
        this.test = test;
        this.train = train;
        this.profile = profile;
        this.modelKey = Sha256.of(model.network().params());
        int n = profile.sizes(experiment.dataset()).attackSamples();
        int[] pred = Accuracy.predictions(model, test.features());
        int[] correct = IntStream.range(0, test.size()).filter(i -> pred[i] == test.label(i)).toArray();
        this.normal = test.select(Arrays.copyOfRange(correct, 0, Math.min(n, correct.length)));
        this.wrong = test.select(IntStream.range(0, test.size()).filter(i -> pred[i] != test.label(i)).limit(n).toArray());
        // the attacks start from other correctly classified inputs than the normal group
        this.seeds = test.select(Arrays.copyOfRange(correct, Math.min(n, correct.length), Math.min(2 * n, correct.length)));
    }

    /** The adversarial groups of {@code dataset}, in the reports' order: one per attack. */
    static List<String> attackGroups(Dataset dataset) {
        List<String> g = new ArrayList<>(List.of("FGSM", "JSMA", "DeepFool", "C&W"));
        if (dataset == Dataset.MNIST) { // Papernot'17's substitute is an MNIST model
            g.add(BLACK_BOX);
        }
        return g;
    }

    /** The sources of label changes: the model mutation operators, then input mutation. */
    static List<String> sources() {
        List<String> s = new ArrayList<>(Arrays.stream(ModelMutation.values()).map(ModelMutation::name).toList());
        s.add(INPUT_SOURCE);
        return s;
    }

    /** The attack of an adversarial group; the black-box substitute is trained by the call (its stage key does not need it). */
    private Attack attack(String group) {
        boolean quick = profile == Profile.QUICK;
        return switch (group) {
            case "FGSM" -> Fgsm.builder().epsilon(experiment.fgsmEpsilon()).build();
            case "JSMA" -> Jsma.builder().gamma(0.12).build();
            case "DeepFool" -> DeepFool.builder().build();
            // full: the paper's fixed c = 0.6 with 1,000 Adam steps; quick: 150 steps, with a short search over c from 0.6 to
            // make up for them
            case "C&W" -> CarliniWagnerL2.builder().initialConstant(0.6).binarySteps(quick ? 4 : 1).iterations(quick ? 150 : 1000).build();
            case BLACK_BOX -> BlackBoxSubstitute.builder().build().train(model, attackerData().features());
            default -> throw new IllegalArgumentException("group: expected one of " + attackGroups(experiment.dataset()) + ", got " + group);
        };
    }

    /** The black-box attacker's own 150 images: the last test images, apart from the normal and seed groups. */
    private LabeledImages attackerData() {
        return test.select(IntStream.range(Math.max(0, test.size() - 150), test.size()).toArray());
    }

    /**
     * The successful adversarial inputs of one attack on the seeds, from the stage cache or computed and kept; their name
     * describes the attack (e.g. its parameters).
     */
    LabeledImages adversarial(String group) throws IOException {
        boolean blackBox = group.equals(BLACK_BOX);
        boolean jsma = group.equals("JSMA");
        int[] targets = Jsma.randomTargets(seeds.labels(), seeds.classes(), 1);
        // the black-box attack is named after its trained substitute: keyed by what determines the training instead
        String attackKey = blackBox ? "black-box substitute on " + Sha256.of(attackerData().features()) : attack(group).name();
        String key = modelKey + "|" + Sha256.of(seeds.features()) + Arrays.toString(seeds.labels()) + "|" + attackKey
                + (jsma ? Arrays.toString(targets) : "");
        return stages.getOrCompute(group + "-adversarial", key, MutationStageCodecs.ADVERSARIAL, () -> {
            Attack a = attack(group);
            Progress.log("ark4j: " + group + " on " + seeds.size() + " seeds");
            // in batches of 100 for the progress bar: JSMA and C&W on 1,000 CIFAR-10 seeds run for many minutes each
            AttackResult r = a.runInBatches(model, seeds.features(), seeds.labels(), jsma ? targets : null, 100);
            int[] ok = IntStream.range(0, r.size()).filter(i -> r.success()[i]).toArray();
            LabeledImages all = new LabeledImages(a.name(), r.adversarial(), seeds.labels(), seeds.classes());
            long[] none = seeds.features().shape().clone();
            none[0] = 0;
            return ok.length > 0 ? all.select(ok) : new LabeledImages(all.name(), Nd4j.create(DataType.FLOAT, none), new int[0], all.classes());
        });
    }

    /** The groups: normal and wrongly labelled test inputs, and the successful adversarial inputs of each attack. */
    MutationResults.Groups groups() throws IOException {
        Map<String, LabeledImages> g = new LinkedHashMap<>();
        g.put("normal", normal);
        g.put("wrong", wrong);
        Map<String, String> names = new LinkedHashMap<>();
        for (String group : attackGroups(experiment.dataset())) {
            LabeledImages adv = adversarial(group);
            names.put(group, adv.name());
            if (adv.size() > 0) {
                g.put(group, adv);
            }
        }
        return new MutationResults.Groups(g, names);
    }

    /** The accepted mutants of one operator, from the stage cache or generated and kept. */
    MutantSet mutants(ModelMutation op) throws IOException {
        double rate = experiment.rate();
        int maxMutants = profile.mutants(experiment.dataset());
        LabeledImages validation = validation();
        return stages.getOrCompute(op + "-mutants", modelKey + "|" + op + "|" + rate + "|" + maxMutants + "|"
                        + Sha256.of(validation.features()) + Arrays.toString(validation.labels()),
                MutationStageCodecs.mutantSetCodec(model, op, rate),
                () -> MutantSet.generate(model, op, rate, maxMutants, 20 * maxMutants, 0.9, validation));
    }

    /** The test images on which a mutant must keep 90% of the model's accuracy. */
    private LabeledImages validation() {
        return test.first(Math.min(profile.mutantFilterImages(experiment.dataset()), test.size()));
    }

    /** The correctly classified training inputs on which ρ_nr is calibrated. */
    private LabeledImages calibration() {
        // ρ_nr is the upper bound of a 99% confidence interval: at least 200 normal inputs keep it from being inflated by
        // the interval's width when the groups are small (quick profile)
        return Accuracy.correctlyClassified(model, train, Math.max(profile.sizes(experiment.dataset()).attackSamples(), 200));
    }

    /**
     * The label changes one source's mutants make on every group and the calibration inputs (group -> input -> mutant),
     * shard by shard ({@link #labelChanges(String, int, MutationResults.Groups, LabeledImages)}): {@code source} is an
     * operator's name or {@value #INPUT_SOURCE}.
     */
    Map<String, boolean[][]> labelChanges(String source, MutationResults.Groups groups, LabeledImages calibration) throws IOException {
        Mutants mutants = mutants(source);
        int count = Math.min(profile.mutants(experiment.dataset()), mutants.size());
        List<Map<String, boolean[][]>> shards = new ArrayList<>();
        for (int s = 0; s * mutantsPerShard < count; s++) {
            shards.add(labelChanges(source, s, groups, calibration));
        }
        Map<String, boolean[][]> all = new LinkedHashMap<>();
        shards.get(0).forEach((group, first) -> {
            boolean[][] rows = new boolean[first.length][count];
            for (int i = 0; i < rows.length; i++) {
                int at = 0;
                for (Map<String, boolean[][]> shard : shards) {
                    boolean[] part = shard.get(group)[i];
                    System.arraycopy(part, 0, rows[i], at, part.length);
                    at += part.length;
                }
            }
            all.put(group, rows);
        });
        return all;
    }

    /**
     * The label changes of one shard of a source's mutants (the shard-th hundred, {@value #MUTANTS_PER_SHARD} per
     * shard), from the stage cache or computed and kept.
     */
    Map<String, boolean[][]> labelChanges(String source, int shard, MutationResults.Groups groups, LabeledImages calibration) throws IOException {
        int maxMutants = profile.mutants(experiment.dataset());
        Mutants mutants = mutants(source);
        int count = Math.min(maxMutants, mutants.size());
        int from = shard * mutantsPerShard;
        int to = Math.min(count, from + mutantsPerShard);
        if (from >= to) {
            throw new IllegalArgumentException("shard: expected below " + (count + mutantsPerShard - 1) / mutantsPerShard + " for "
                    + count + " mutants of " + source + ", got " + shard);
        }
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        groups.samples().forEach((name, g) -> {
            if (g.size() > 0) {
                inputs.put(name, g.features());
            }
        });
        inputs.put(CALIBRATION, calibration.features());
        StringBuilder inputsKey = new StringBuilder();
        inputs.forEach((name, x) -> inputsKey.append(name).append('=').append(Sha256.of(x)).append(';'));
        String sourceKey = mutants instanceof MutantSet ms ? modelKey + "|" + ms.operator() + "|" + ms.rate() + "|" + Arrays.toString(ms.seeds())
                : modelKey + "|input|" + MutationDetection.INPUT_RATE;
        return stages.getOrCompute(source + "-label-changes", sourceKey + "|" + maxMutants + "|" + inputsKey + "|mutants " + from + "-" + to,
                MutationStageCodecs.LABEL_CHANGES, () -> mutants.labelChanges(inputs, from, to));
    }

    /** The mutants of a source: an operator's accepted mutants, or the input mutants. */
    private Mutants mutants(String source) throws IOException {
        return source.equals(INPUT_SOURCE) ? new InputMutants(model, MutationDetection.INPUT_RATE, profile.mutants(experiment.dataset()))
                : mutants(ModelMutation.valueOf(source));
    }

    /** How many label-change shards a source has at the profile's number of mutants. */
    static int labelChangeShards(Profile profile, Dataset dataset) {
        return (profile.mutants(dataset) + MUTANTS_PER_SHARD - 1) / MUTANTS_PER_SHARD;
    }

    /** One stage for {@link MutationStageUnit}: an attack's adversarial group, an operator's mutants, or a shard of a source's label changes. */
    void compute(MutationStageUnit.Kind kind, String name, int shard) throws IOException {
        switch (kind) {
            case ADVERSARIAL -> adversarial(name);
            case MUTANTS -> mutants(ModelMutation.valueOf(name));
            case LABEL_CHANGES -> {
                if (shard * mutantsPerShard < Math.min(profile.mutants(experiment.dataset()), mutants(name).size())) {
                    labelChanges(name, shard, groups(), calibration());
                }
            }
        }
    }

    /** Runs every stage: groups, accepted mutants per operator, label changes per mutant source, and their statistics. */
    MutationResults run() throws IOException {
        MutationResults.Groups groups = groups();
        LabeledImages calibration = calibration();
        List<MutationResults.OperatorMutants> mutantStats = new ArrayList<>();
        for (ModelMutation op : ModelMutation.values()) {
            long t0 = System.nanoTime();
            MutantSet set = mutants(op);
            mutantStats.add(new MutationResults.OperatorMutants(op.name(), set.size(), set.drawn(),
                    Arrays.stream(set.accuracies()).average().orElse(Double.NaN), set.originalAccuracy(), (System.nanoTime() - t0) / 1e9));
        }
        int maxMutants = profile.mutants(experiment.dataset());
        Map<String, MutationResults.SourceResults> results = new LinkedHashMap<>();
        for (String source : sources()) {
            results.put(source, statistics(source, groups, labelChanges(source, groups, calibration), maxMutants));
        }
        return new MutationResults(groups, mutantStats, results, calibration.size(), validation().size());
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
