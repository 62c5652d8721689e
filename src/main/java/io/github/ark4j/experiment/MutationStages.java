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
    /** The attacks' batch: the seeds of one adversarial shard, and the mutants of one label-change shard. */
    static final int SHARD = 100;
    /** The batch in which the attacks run: as in the unsharded stage. */
    private static final int ATTACK_BATCH = SHARD;
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
    private final int shardSize;
    /** The black-box attack once its substitute is trained: one training for all shards of the seeds. */
    private Attack blackBox;

    MutationStages(MutationDetection experiment, StageCache stages, NetworkClassifier model, LabeledImages test, LabeledImages train,
                   Profile profile) {
        this(experiment, stages, model, test, train, profile, SHARD);
    }

    /**
     * With shards of {@code shardSize} seeds and mutants instead of {@value #SHARD}: for tests (an attack whose result
     * depends on its batch, as C&amp;W's, differs with shards that are not its batches).
     */
    MutationStages(MutationDetection experiment, StageCache stages, NetworkClassifier model, LabeledImages test, LabeledImages train,
                   Profile profile, int shardSize) {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shardSize: expected at least 1, got " + shardSize);
        }
        this.shardSize = shardSize;
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

    /**
     * The attack of an adversarial group; the black-box substitute is trained by the first call that needs it (its stage
     * key does not).
     */
    private Attack attack(String group) {
        boolean quick = profile == Profile.QUICK;
        return switch (group) {
            case "FGSM" -> Fgsm.builder().epsilon(experiment.fgsmEpsilon()).build();
            case "JSMA" -> Jsma.builder().gamma(0.12).build();
            case "DeepFool" -> DeepFool.builder().build();
            // full: the paper's fixed c = 0.6 with 1,000 Adam steps; quick: 150 steps, with a short search over c from 0.6 to
            // make up for them
            case "C&W" -> CarliniWagnerL2.builder().initialConstant(0.6).binarySteps(quick ? 4 : 1).iterations(quick ? 150 : 1000).build();
            case BLACK_BOX -> {
                if (blackBox == null) {
                    blackBox = BlackBoxSubstitute.builder().build().train(model, attackerData().features());
                }
                yield blackBox;
            }
            default -> throw new IllegalArgumentException("group: expected one of " + attackGroups(experiment.dataset()) + ", got " + group);
        };
    }

    /** The black-box attacker's own 150 images: the last test images, apart from the normal and seed groups. */
    private LabeledImages attackerData() {
        return test.select(IntStream.range(Math.max(0, test.size() - 150), test.size()).toArray());
    }

    /**
     * The successful adversarial inputs of one attack on the seeds, shard by shard ({@link #adversarial(String, int)});
     * their name describes the attack (e.g. its parameters).
     */
    LabeledImages adversarial(String group) throws IOException {
        List<LabeledImages> parts = new ArrayList<>();
        for (int s = 0; s * shardSize < seeds.size(); s++) {
            parts.add(adversarial(group, s));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<LabeledImages> found = parts.stream().filter(p -> p.size() > 0).toList();
        if (found.isEmpty()) {
            return parts.isEmpty() ? new LabeledImages(group, Nd4j.create(DataType.FLOAT, noImages()), new int[0], seeds.classes()) : parts.get(0);
        }
        return new LabeledImages(parts.get(0).name(), Nd4j.concat(0, found.stream().map(LabeledImages::features).toArray(INDArray[]::new)),
                found.stream().flatMapToInt(p -> Arrays.stream(p.labels())).toArray(), seeds.classes());
    }

    /**
     * The successful adversarial inputs of one attack on one shard of the seeds (the shard-th hundred), from the stage
     * cache or computed and kept. The shards are the attacks' batches, so that the shards together are one run over all
     * seeds (C&amp;W's early stop looks at its whole batch).
     */
    LabeledImages adversarial(String group, int shard) throws IOException {
        int from = shard * shardSize;
        int to = Math.min(seeds.size(), from + shardSize);
        if (from >= to) {
            throw new IllegalArgumentException("shard: expected below " + (seeds.size() + shardSize - 1) / shardSize + " for "
                    + seeds.size() + " seeds, got " + shard);
        }
        LabeledImages part = seeds.select(IntStream.range(from, to).toArray());
        boolean jsma = group.equals("JSMA");
        int[] targets = Arrays.copyOfRange(Jsma.randomTargets(seeds.labels(), seeds.classes(), 1), from, to);
        // the black-box attack is named after its trained substitute: keyed by what determines the training instead
        String attackKey = group.equals(BLACK_BOX) ? "black-box substitute on " + Sha256.of(attackerData().features()) : attack(group).name();
        String key = modelKey + "|" + Sha256.of(part.features()) + Arrays.toString(part.labels()) + "|" + attackKey
                + (jsma ? Arrays.toString(targets) : "");
        return stages.getOrCompute(group + "-adversarial", key, MutationStageCodecs.ADVERSARIAL, () -> {
            Attack a = attack(group);
            Progress.log("ark4j: " + group + " on seeds " + (from + 1) + "-" + to);
            AttackResult r = a.runInBatches(model, part.features(), part.labels(), jsma ? targets : null, ATTACK_BATCH);
            int[] ok = IntStream.range(0, r.size()).filter(i -> r.success()[i]).toArray();
            if (ok.length == 0) {
                return new LabeledImages(a.name(), Nd4j.create(DataType.FLOAT, noImages()), new int[0], part.classes());
            }
            // named after the attack alone: the reports list the attacks by these names
            LabeledImages found = new LabeledImages(a.name(), r.adversarial(), part.labels(), part.classes()).select(ok);
            return new LabeledImages(a.name(), found.features(), found.labels(), found.classes());
        });
    }

    /** The shape of an empty set of the seeds' images. */
    private long[] noImages() {
        long[] none = seeds.features().shape().clone();
        none[0] = 0;
        return none;
    }

    /** How many shards of seeds an attack has at the profile's size. */
    static int seedShards(Profile profile, Dataset dataset) {
        return (profile.sizes(dataset).attackSamples() + SHARD - 1) / SHARD;
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
        Map<String, INDArray> inputs = labelled(groups, calibration);
        if (count == 0) {
            return mutants.labelChanges(inputs, 0, 0);
        }
        // the mutants, the inputs and their hashes once for all shards
        String key = labelChangesKey(mutants, inputs);
        List<Map<String, boolean[][]>> shards = new ArrayList<>();
        for (int s = 0; s * shardSize < count; s++) {
            shards.add(labelChanges(source, s, mutants, inputs, key));
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
     * The label changes of one shard of a source's mutants (the shard-th hundred, {@value #SHARD} per
     * shard), from the stage cache or computed and kept.
     */
    Map<String, boolean[][]> labelChanges(String source, int shard, MutationResults.Groups groups, LabeledImages calibration) throws IOException {
        Mutants mutants = mutants(source);
        Map<String, INDArray> inputs = labelled(groups, calibration);
        return labelChanges(source, shard, mutants, inputs, labelChangesKey(mutants, inputs));
    }

    private Map<String, boolean[][]> labelChanges(String source, int shard, Mutants mutants, Map<String, INDArray> inputs, String key)
            throws IOException {
        int count = Math.min(profile.mutants(experiment.dataset()), mutants.size());
        int from = shard * shardSize;
        int to = Math.min(count, from + shardSize);
        if (from >= to) {
            throw new IllegalArgumentException("shard: expected below " + (count + shardSize - 1) / shardSize + " for "
                    + count + " mutants of " + source + ", got " + shard);
        }
        return stages.getOrCompute(source + "-label-changes", key + "|mutants " + from + "-" + to,
                MutationStageCodecs.LABEL_CHANGES, () -> mutants.labelChanges(inputs, from, to));
    }

    /** The stage key of a source's label changes on these inputs without the shard's range: model, mutants, the inputs' hashes. */
    private String labelChangesKey(Mutants mutants, Map<String, INDArray> inputs) {
        StringBuilder inputsKey = new StringBuilder();
        inputs.forEach((name, x) -> inputsKey.append(name).append('=').append(Sha256.of(x)).append(';'));
        String sourceKey = mutants instanceof MutantSet ms ? modelKey + "|" + ms.operator() + "|" + ms.rate() + "|" + Arrays.toString(ms.seeds())
                : modelKey + "|input|" + MutationDetection.INPUT_RATE;
        return sourceKey + "|" + profile.mutants(experiment.dataset()) + "|" + inputsKey;
    }

    /** The inputs the mutants label: every group that has any, and the calibration inputs. */
    private static Map<String, INDArray> labelled(MutationResults.Groups groups, LabeledImages calibration) {
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        groups.samples().forEach((name, g) -> {
            if (g.size() > 0) {
                inputs.put(name, g.features());
            }
        });
        inputs.put(CALIBRATION, calibration.features());
        return inputs;
    }

    /** The mutants of a source: an operator's accepted mutants, or the input mutants. */
    private Mutants mutants(String source) throws IOException {
        return source.equals(INPUT_SOURCE) ? new InputMutants(model, MutationDetection.INPUT_RATE, profile.mutants(experiment.dataset()))
                : mutants(ModelMutation.valueOf(source));
    }

    /** How many label-change shards a source has at the profile's number of mutants. */
    static int labelChangeShards(Profile profile, Dataset dataset) {
        return (profile.mutants(dataset) + SHARD - 1) / SHARD;
    }

    /** One stage for {@link MutationStageUnit}: an attack's adversarial group, an operator's mutants, or a shard of a source's label changes. */
    void compute(MutationStageUnit.Kind kind, String name, int shard) throws IOException {
        switch (kind) {
            case ADVERSARIAL -> {
                if (shard * shardSize < seeds.size()) {
                    adversarial(name, shard);
                }
            }
            case MUTANTS -> mutants(ModelMutation.valueOf(name));
            case LABEL_CHANGES -> {
                if (shard * shardSize < Math.min(profile.mutants(experiment.dataset()), mutants(name).size())) {
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
