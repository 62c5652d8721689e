package io.github.ark4j.experiment;

import io.github.ark4j.util.Sha256;
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
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.StageCache;
import io.github.ark4j.viz.Charts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Mutation-testing detection of adversarial samples (Wang et al. ICSE 2019, docs/papers.md [2]; notebooks 06 and 07) on
 * MNIST LeNet-5 at mutation rate 0.05 or on CIFAR-10 with the Papernot CIFAR net (a smaller net than the paper's
 * GoogLeNet, as docs/papers.md allows) at rate 0.005: accurate mutants per operator, the label change rate of normal,
 * wrongly labelled and adversarial inputs (FGSM ε 0.35 / 0.03, JSMA γ 12% with random targets, DeepFool, C&W L2 with
 * the constant c = 0.6, on MNIST the black-box substitute's FGSM ε 0.3), AUROC of the LCR, and the SPRT detector calibrated on
 * normal training inputs — with the input-mutation variant (arXiv 1805.05010) side by side.
 */
public final class MutationDetection implements Experiment {
    /** μ of the SPRT threshold ρ_h = μ·ρ_nr. */
    public static final double MU = 1.2;
    /** Share of pixels each input mutant replaces. */
    public static final double INPUT_RATE = 0.05;
    /** The stages that take hours on CIFAR-10 (attacks, accurate mutants, label changes) are kept, so that a stopped run resumes. */
    private final StageCache stages = new StageCache(ModelCache.defaultDirectory().resolve("stages"));
    /** The key of the calibration inputs beside the groups in the label-change pass (no group is named so). */
    private static final String CALIBRATION = " calibration";

    private final Dataset dataset;

    public MutationDetection(Dataset dataset) {
        this.dataset = dataset;
    }

    /** The mutation rate of docs/papers.md's tables: 0.05 on MNIST, 0.005 on CIFAR-10. */
    public double rate() {
        return dataset == Dataset.MNIST ? 0.05 : 0.005;
    }

    /** FGSM's ε for the adversarial group: 0.35 on MNIST, 0.03 on CIFAR-10 (docs/papers.md [2]). */
    public double fgsmEpsilon() {
        return dataset == Dataset.MNIST ? 0.35 : 0.03;
    }

    /** The model under test: LeNet-5 on MNIST (the paper's), the Papernot CIFAR-10 net on CIFAR-10. */
    public NetworkClassifier model(Profile profile) throws IOException {
        return dataset == Dataset.MNIST ? profile.lenet5() : profile.papernot(Dataset.CIFAR10);
    }

    @Override
    public String name() {
        return "mutation-" + dataset.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String title() {
        return "Mutation-testing detection of adversarial samples on " + dataset.title() + (dataset == Dataset.MNIST ? " LeNet-5" : " (Papernot net)")
                + " (Wang et al. ICSE 2019, docs/papers.md [2])";
    }

    @Override
    public Dataset dataset() {
        return dataset;
    }

    /** The samples of each group, in report order, and each adversarial group's attack with its parameters. */
    public record Groups(Map<String, LabeledImages> samples, Map<String, String> attacks) {
    }

    /** Builds the groups: normal and wrongly labelled test inputs, and the successful adversarial inputs of each attack. */
    public Groups groups(NetworkClassifier model, LabeledImages test, Profile profile) throws IOException {
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
        attacks.put("FGSM", Fgsm.builder().epsilon(fgsmEpsilon()).build());
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
            LabeledImages adv = stages.getOrCompute(a.getKey() + "-adversarial", key, ADVERSARIAL, () -> {
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
        return new Groups(g, names);
    }

    @Override
    public Outcome run(Profile profile) throws IOException {
        NetworkClassifier model = model(profile);
        LabeledImages test = profile.test(dataset);
        LabeledImages train = profile.train(dataset);
        int samples = profile.sizes(dataset).attackSamples();
        Groups groups = groups(model, test, profile);
        LabeledImages validation = test.first(Math.min(profile.mutantFilterImages(dataset), test.size()));
        // ρ_nr is the upper bound of a 99% confidence interval: at least 200 normal inputs keep it from being inflated by
        // the interval's width when the groups are small (quick profile)
        LabeledImages calibration = Accuracy.correctlyClassified(model, train, Math.max(samples, 200));

        String modelKey = Sha256.of(model.network().params());
        Map<String, Mutants> sources = new LinkedHashMap<>();
        Table mutantTable = Table.create("accepted mutants (accuracy ≥ 90% of the original's on " + validation.size() + " test images)",
                StringColumn.create("operator"), DoubleColumn.create("accepted"), DoubleColumn.create("drawn"),
                DoubleColumn.create("mean accuracy"), DoubleColumn.create("original accuracy"), DoubleColumn.create("seconds"));
        for (ModelMutation op : ModelMutation.values()) {
            long t0 = System.nanoTime();
            MutantSet set = stages.getOrCompute(op + "-mutants", modelKey + "|" + op + "|" + rate() + "|" + profile.mutants(dataset) + "|"
                    + Sha256.of(validation.features()) + Arrays.toString(validation.labels()), mutantSetCodec(model, op, rate()),
                    () -> MutantSet.generate(model, op, rate(), profile.mutants(dataset), 20 * profile.mutants(dataset), 0.9, validation));
            mutantTable.stringColumn("operator").append(op.name());
            mutantTable.doubleColumn("accepted").append(set.size());
            mutantTable.doubleColumn("drawn").append(set.drawn());
            mutantTable.doubleColumn("mean accuracy").append(Arrays.stream(set.accuracies()).average().orElse(Double.NaN));
            mutantTable.doubleColumn("original accuracy").append(set.originalAccuracy());
            mutantTable.doubleColumn("seconds").append((System.nanoTime() - t0) / 1e9);
            sources.put(op.name(), set);
        }
        sources.put("input", new InputMutants(model, INPUT_RATE, profile.mutants(dataset)));

        Table lcrTable = Table.create("label change rate (%): mean ± half-width of the 99% confidence interval", StringColumn.create("group"));
        Table aucTable = Table.create("AUROC of the LCR, adversarial vs normal", StringColumn.create("attack"));
        Table detTable = Table.create("SPRT detection (ρ_h = " + MU + "·ρ_nr, σ = 0.1·ρ_nr, α = β = 0.05, at most " + profile.mutants(dataset) + " mutants)",
                StringColumn.create("operator"), StringColumn.create("group"), DoubleColumn.create("declared adversarial"),
                DoubleColumn.create("mean mutants used"), DoubleColumn.create("rho_nr"));
        groups.samples().keySet().forEach(k -> lcrTable.stringColumn("group").append(k));
        groups.samples().keySet().stream().skip(2).forEach(k -> aucTable.stringColumn("attack").append(k));
        Map<String, Map<String, double[]>> lcrByOperator = new LinkedHashMap<>();
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
        for (Map.Entry<String, Mutants> src : sources.entrySet()) {
            Map<String, double[]> lcr = new LinkedHashMap<>();
            String sourceKey = src.getValue() instanceof MutantSet ms ? modelKey + "|" + ms.operator() + "|" + ms.rate() + "|" + Arrays.toString(ms.seeds())
                    : modelKey + "|input|" + INPUT_RATE;
            Map<String, boolean[][]> changes = stages.getOrCompute(src.getKey() + "-label-changes", sourceKey + "|" + profile.mutants(dataset) + "|" + inputsKey,
                    LABEL_CHANGES, () -> src.getValue().labelChanges(inputs, profile.mutants(dataset)));
            StringColumn col = StringColumn.create(src.getKey());
            for (String g : groups.samples().keySet()) {
                double[] v = Mutants.rates(changes.getOrDefault(g, new boolean[0][]));
                lcr.put(g, v);
                col.append(meanWithCi(v));
            }
            lcrTable.addColumns(col);
            DoubleColumn auc = DoubleColumn.create(src.getKey());
            for (String attack : aucTable.stringColumn("attack")) {
                auc.append(lcr.get(attack).length == 0 ? Double.NaN : Roc.auc(lcr.get(attack), lcr.get("normal")));
            }
            aucTable.addColumns(auc);
            lcrByOperator.put(src.getKey(), lcr);

            double rhoNr = MutationDetector.calibrate(Mutants.rates(changes.get(CALIBRATION)));
            MutationDetector detector = MutationDetector.forNormalRate(rhoNr, MU, profile.mutants(dataset));
            for (Map.Entry<String, LabeledImages> g : groups.samples().entrySet()) {
                if (g.getValue().size() == 0 || g.getKey().equals("wrong")) {
                    continue;
                }
                // every mutant has labelled every input already: the SPRT replays those label changes, which gives the
                // decisions of MutationDetector.detect without its forward passes
                MutationDetector.Result r = detector.decide(changes.get(g.getKey()));
                detTable.stringColumn("operator").append(src.getKey());
                detTable.stringColumn("group").append(g.getKey());
                detTable.doubleColumn("declared adversarial").append(r.adversarialShare());
                detTable.doubleColumn("mean mutants used").append(r.meanMutantsUsed());
                detTable.doubleColumn("rho_nr").append(rhoNr);
            }
        }

        List<Claim> claims = dataset == Dataset.MNIST ? mnistClaims(aucTable, detTable) : cifarClaims(aucTable, detTable);
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("mutants", mutantTable);
        tables.put("lcr", lcrTable);
        tables.put("auroc", aucTable);
        tables.put("sprt-detection", detTable);
        Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
        charts.put("roc-nai", rocChart("NAI", lcrByOperator.get("NAI")));
        charts.put("roc-input-mutation", rocChart("input mutation", lcrByOperator.get("input")));
        charts.put("lcr-histogram-nai", histogram("NAI", lcrByOperator.get("NAI")));
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s (%s) trained %d epochs on %d images, %.2f%% on %d test images; %d accepted mutants per "
                        + "operator at rate %s (paper: 500); %d samples per group at most (adversarial groups keep the successful attacks "
                        + "only); ρ_nr calibrated on %d correctly classified training images; input mutants replace %.0f%% of the pixels "
                        + "by uniform noise.", dataset == Dataset.MNIST ? "LeNet-5" : "The Papernot CIFAR-10 net",
                ModelMutation.describe(model.network()), profile.sizes(dataset).epochs(), train.size(), 100 * Accuracy.of(model, test),
                test.size(), profile.mutants(dataset), rate(), samples, calibration.size(), 100 * INPUT_RATE));
        notes.add("Attacks: " + groups.attacks().values().stream().collect(java.util.stream.Collectors.joining("; ")) + ".");
        if (dataset == Dataset.CIFAR10) {
            notes.add("The paper's CIFAR-10 model is a GoogLeNet (90.5%); ours is the smaller Papernot net, on a JPEG re-encoding of "
                    + "CIFAR-10. No black-box group: Papernot'17's substitute is an MNIST model.");
        }
        return new Outcome(claims, tables, charts, Map.<String, BufferedImage>of(), notes);
    }

    /** docs/papers.md [2]'s MNIST table (rate 0.05) for NAI and GF, with the tolerances. */
    private static List<Claim> mnistClaims(Table auc, Table det) {
        List<Claim> claims = new ArrayList<>();
        for (String op : List.of("NAI", "GF")) {
            boolean nai = op.equals("NAI");
            double aFgsm = auroc(auc, op, "FGSM");
            double aJsma = auroc(auc, op, "JSMA");
            claims.add(new Claim("AUROC FGSM, " + op, nai ? "0.9744" : "0.9747", fmt(aFgsm), "≥ 0.90", aFgsm >= 0.90));
            claims.add(new Claim("AUROC JSMA, " + op, nai ? "0.9965" : "0.9975", fmt(aJsma), "≥ 0.95", aJsma >= 0.95));
            double used = meanMutants(det, op);
            claims.add(Claim.shareAtLeast("detection of adversarial samples (mean over attacks), " + op, nai ? "96.4%" : "94.9%",
                    meanDetection(det, op, false), 0.85));
            claims.add(new Claim("mutants used on adversarial samples, " + op, nai ? "74.1" : "75.5", fmt(used), "≤ 150", used <= 150));
            claims.add(Claim.shareAtLeast("accuracy on normal samples, " + op, nai ? "89.7%" : "90.8%", 1 - meanDetection(det, op, true), 0.85));
        }
        return claims;
    }

    /**
     * docs/papers.md [2]'s CIFAR-10 figures (rate 0.005; GoogLeNet there, the Papernot net here). Our tolerances: detection
     * within 10 points below the paper's, at most 1.5 times its mutants, AUROC at most 0.05 below.
     */
    private static List<Claim> cifarClaims(Table auc, Table det) {
        List<Claim> claims = new ArrayList<>();
        double aFgsm = auroc(auc, "NAI", "FGSM");
        claims.add(new Claim("AUROC FGSM, NAI", "0.8956", fmt(aFgsm), "≥ 0.85", aFgsm >= 0.8456));
        for (String op : List.of("NAI", "GF")) {
            boolean nai = op.equals("NAI");
            double paperMutants = nai ? 86.1 : 121.7;
            double used = meanMutants(det, op);
            claims.add(Claim.shareAtLeast("detection of adversarial samples (mean over attacks), " + op, nai ? "90.6% (−10 points)" : "85.5% (−10 points)",
                    meanDetection(det, op, false), nai ? 0.806 : 0.755));
            claims.add(new Claim("mutants used on adversarial samples, " + op, fmt(paperMutants), fmt(used), "≤ " + fmt(1.5 * paperMutants),
                    used <= 1.5 * paperMutants));
        }
        return claims;
    }

    private static double auroc(Table auc, String operator, String attack) {
        int row = auc.stringColumn("attack").indexOf(attack);
        return row < 0 ? Double.NaN : auc.doubleColumn(operator).getDouble(row);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** "mean ± half-width" of the 99% confidence interval, in percent. */
    static String meanWithCi(double[] v) {
        if (v.length == 0) {
            return "n/a";
        }
        double mean = Arrays.stream(v).average().orElseThrow();
        double sd = v.length < 2 ? 0 : Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * 2.576 * sd / Math.sqrt(v.length));
    }

    private static double meanDetection(Table t, String op, boolean normal) {
        return IntStream.range(0, t.rowCount()).filter(i -> t.stringColumn("operator").get(i).equals(op)
                        && t.stringColumn("group").get(i).equals("normal") == normal)
                .mapToDouble(i -> t.doubleColumn("declared adversarial").getDouble(i)).average().orElse(Double.NaN);
    }

    private static double meanMutants(Table t, String op) {
        return IntStream.range(0, t.rowCount()).filter(i -> t.stringColumn("operator").get(i).equals(op)
                        && !t.stringColumn("group").get(i).equals("normal"))
                .mapToDouble(i -> t.doubleColumn("mean mutants used").getDouble(i)).average().orElse(Double.NaN);
    }

    private static XYChart rocChart(String source, Map<String, double[]> lcr) {
        XYChart c = Charts.line("ROC of the label change rate, " + source + " mutants", "false positive rate", "true positive rate");
        c.getStyler().setMarkerSize(0);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, double[]> e : lcr.entrySet()) {
            if (e.getKey().equals("normal") || e.getKey().equals("wrong") || e.getValue().length == 0) {
                continue;
            }
            double[][] roc = Roc.curve(e.getValue(), lcr.get("normal"));
            c.addSeries(String.format(Locale.ROOT, "%s (AUC %.3f)", e.getKey(), Roc.auc(e.getValue(), lcr.get("normal"))), roc[0], roc[1]);
        }
        return c;
    }

    private static CategoryChart histogram(String source, Map<String, double[]> lcr) {
        int bins = 10;
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format(Locale.ROOT, "%d-%d", 10 * b, 10 * (b + 1)));
        }
        CategoryChart c = new CategoryChartBuilder().width(720).height(400).title("Label change rate, " + source + " mutants")
                .xAxisTitle("LCR (%)").yAxisTitle("share of the group").build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (String group : List.of("normal", "FGSM", "JSMA")) {
            double[] v = lcr.get(group);
            if (v == null || v.length == 0) {
                continue;
            }
            List<Double> share = new ArrayList<>();
            for (int b = 0; b < bins; b++) {
                int bin = b;
                share.add(Arrays.stream(v).filter(x -> Math.min(bins - 1, (int) (x * bins)) == bin).count() / (double) v.length);
            }
            c.addSeries(group, labels, share);
        }
        return c;
    }

    /** The successful adversarial inputs of an attack: name, labels, classes, shape, then the values (float). */
    static final StageCache.Codec<LabeledImages> ADVERSARIAL = new StageCache.Codec<>() {
        @Override
        public void write(LabeledImages adv, DataOutputStream out) throws IOException {
            out.writeUTF(adv.name());
            out.writeInt(adv.classes());
            int[] labels = adv.labels();
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeInt(l);
            }
            long[] shape = adv.features().shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            if (labels.length > 0) {
                for (float v : adv.features().castTo(DataType.FLOAT).dup('c').data().asFloat()) {
                    out.writeFloat(v);
                }
            }
        }

        @Override
        public LabeledImages read(DataInputStream in) throws IOException {
            String name = in.readUTF();
            int classes = in.readInt();
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readInt();
            }
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            if (labels.length == 0) {
                return new LabeledImages(name, Nd4j.create(DataType.FLOAT, shape), labels, classes);
            }
            float[] values = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            return new LabeledImages(name, Nd4j.createFromArray(values).reshape(shape), labels, classes);
        }
    };

    /** Writes the record of a generated mutant set (seeds, accuracies, original accuracy, draws). */
    static StageCache.Codec<MutantSet> mutantSetCodec(NetworkClassifier model, ModelMutation op, double rate) {
        return new StageCache.Codec<>() {
            @Override
            public void write(MutantSet set, DataOutputStream out) throws IOException {
                long[] seeds = set.seeds();
                double[] acc = set.accuracies();
                out.writeInt(seeds.length);
                for (int i = 0; i < seeds.length; i++) {
                    out.writeLong(seeds[i]);
                    out.writeDouble(acc[i]);
                }
                out.writeDouble(set.originalAccuracy());
                out.writeInt(set.drawn());
            }

            @Override
            public MutantSet read(DataInputStream in) throws IOException {
                int n = in.readInt();
                long[] seeds = new long[n];
                double[] acc = new double[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = in.readLong();
                    acc[i] = in.readDouble();
                }
                return MutantSet.of(model, op, rate, seeds, acc, in.readDouble(), in.readInt());
            }
        };
    }

    /** Label changes per set of inputs: name, rows, mutants, then the flags. */
    static final StageCache.Codec<Map<String, boolean[][]>> LABEL_CHANGES = new StageCache.Codec<>() {
        @Override
        public void write(Map<String, boolean[][]> changes, DataOutputStream out) throws IOException {
            out.writeInt(changes.size());
            for (Map.Entry<String, boolean[][]> e : changes.entrySet()) {
                out.writeUTF(e.getKey());
                boolean[][] rows = e.getValue();
                out.writeInt(rows.length);
                out.writeInt(rows.length == 0 ? 0 : rows[0].length);
                for (boolean[] row : rows) {
                    for (boolean b : row) {
                        out.writeBoolean(b);
                    }
                }
            }
        }

        @Override
        public Map<String, boolean[][]> read(DataInputStream in) throws IOException {
            Map<String, boolean[][]> changes = new LinkedHashMap<>();
            int sets = in.readInt();
            for (int s = 0; s < sets; s++) {
                String name = in.readUTF();
                boolean[][] rows = new boolean[in.readInt()][];
                int m = in.readInt();
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = new boolean[m];
                    for (int k = 0; k < m; k++) {
                        rows[i][k] = in.readBoolean();
                    }
                }
                changes.put(name, rows);
            }
            return changes;
        }
    };
}
