package io.github.ark4j.experiment;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.defense.DistillationMetrics;
import io.github.ark4j.experiment.Claim.Basis;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.StageCache;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Defensive distillation on MNIST or CIFAR-10 (Papernot et al. S&P 2016, docs/papers.md [1]; notebooks 03 and 04): the
 * undistilled baseline and one distilled Papernot net per temperature, each deployed at T = 1 and measured by
 * {@link DistillationMetrics} on the same test images; plus the Carlini-Wagner follow-up measures: JSMA on the
 * logits (Z) and the logits' L1 norm.
 */
public final class Distillation implements Experiment {
    private final Dataset dataset;
    private final double[] temperatures;

    /** The sweep over the profile's temperatures ({@link Profile#temperatures(Dataset)}). */
    public Distillation(Dataset dataset) {
        this.dataset = dataset;
        this.temperatures = null;
    }

    /**
     * The sweep over chosen temperatures instead of the profile's, e.g. {100} alone: the full CIFAR-10 sweep trains 18
     * models (hours on 2 cores), while the baseline and T = 100 carry the paper's CIFAR-10 claims.
     *
     * @throws IllegalArgumentException when {@code temperatures} is empty or holds a value that is not a finite number > 0
     */
    public Distillation(Dataset dataset, double[] temperatures) {
        this.dataset = dataset;
        if (temperatures.length == 0) {
            throw new IllegalArgumentException("temperatures: expected at least one temperature > 0, got none");
        }
        for (double t : temperatures) {
            if (!(t > 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperatures: expected finite numbers > 0, got " + t);
            }
        }
        this.temperatures = Arrays.stream(temperatures).sorted().distinct().toArray();
    }

    /** The temperatures this sweep distils at, in increasing order: its own or the profile's. */
    public double[] temperatures(Profile profile) {
        return temperatures != null ? temperatures.clone() : profile.temperatures(dataset);
    }

    @Override
    public String name() {
        return "distillation-" + dataset.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String title() {
        return "Defensive distillation on " + dataset.title() + ": JSMA-F success, gradient amplitude and robustness against T "
                + "(Papernot'16 S&P, docs/papers.md [1])";
    }

    @Override
    public Dataset dataset() {
        return dataset;
    }

    /**
     * One measured model.
     *
     * @param testImages    the test images behind {@code accuracy}
     * @param attackSamples the correctly classified test images JSMA attacked
     */
    public record Row(String model, double temperature, double accuracy, int testImages, int attackSamples, double jsmaFSuccess,
                      double robustness, double robustnessOfSuccesses, double log10Amplitude, double log10MeanAmplitude,
                      double float32Amplitude, double float32ZeroShare, double jsmaZSuccess, double logitL1) {
    }

    /** Where the reports explain the distilled CIFAR-10 net's accuracy. */
    static final String ACCURACY_EXPLAINED = "docs/known-differences.md#distilled-cifar-10-accuracy";
    /** Where the reports explain the gradient amplitude's mean over samples. */
    static final String AMPLITUDE_EXPLAINED = "docs/known-differences.md#gradient-amplitude-mean-and-median";
    /** [1]'s JSMA success of distilled MNIST nets by temperature, read off its figure by a later paper (docs/papers.md). */
    static final Map<Double, Double> PUBLISHED_MNIST_SUCCESS = Map.of(1.0, 0.91, 5.0, 0.24, 100.0, 0.005);
    /** [1]'s CIFAR-10 JSMA success at T = 100 (secondary). */
    static final Map<Double, Double> PUBLISHED_CIFAR_SUCCESS = Map.of(100.0, 0.0511);

    /**
     * The undistilled net and, per temperature, its teacher and student: each one unit; then each model's measurement,
     * one unit per shard of the attacked images ({@link DistillationShard}).
     */
    @Override
    public List<Unit> units(Profile profile) {
        List<Unit> units = new ArrayList<>();
        units.add(ModelUnit.undistilled(profile, dataset));
        for (double t : temperatures(profile)) {
            units.add(ModelUnit.distilled(profile, dataset, t));
        }
        units.addAll(DistillationShard.of(profile, dataset, Double.NaN));
        for (double t : temperatures(profile)) {
            units.addAll(DistillationShard.of(profile, dataset, t));
        }
        return units;
    }

    @Override
    public Outcome run(Profile profile) throws IOException {
        LabeledImages test = profile.test(dataset);
        int samples = profile.sizes(dataset).attackSamples();
        List<Row> rows = new ArrayList<>();
        rows.add(measure("baseline", Double.NaN, profile.papernot(dataset), test, samples));
        for (double t : temperatures(profile)) {
            rows.add(measure("distilled", t, profile.distilledPapernot(dataset, t).student(), test, samples));
        }
        Table table = table(rows);
        Row base = rows.get(0);
        Row hottest = rows.get(rows.size() - 1);
        String hot = "T=" + TrainingConfig.temperatureText(hottest.temperature());
        boolean mnist = dataset == Dataset.MNIST;
        List<Claim> claims = new ArrayList<>();
        claims.add(Claim.rateAtLeast("baseline accuracy", Basis.paper(mnist ? "99.51%" : "80.95%", "[1]"), base.accuracy(), base.testImages(),
                mnist ? 0.9851 : 0.7595));
        if (mnist) {
            claims.add(Claim.rateAtLeast("distilled accuracy, " + hot, Basis.unpublished("≥ 98.5%: within a point of the published "
                    + "baseline, as [1] reports distillation costing little accuracy"), hottest.accuracy(), hottest.testImages(), 0.985));
        } else {
            double drop = base.accuracy() - hottest.accuracy();
            claims.add(Claim.value("distilled accuracy drop, " + hot + " vs baseline", Basis.paper("about 1.4 points", "[1]"),
                    String.format(Locale.ROOT, "%.1f points (%s → %s)", 100 * drop, Claim.percent(base.accuracy()),
                            Claim.percent(hottest.accuracy())), hottest.testImages(), "≤ 5 points", drop <= 0.05)
                    .explainedIn(ACCURACY_EXPLAINED));
        }
        claims.add(mnist
                ? Claim.rateWithin("JSMA-F success, undistilled", Basis.paper("95.89%", "[1], secondary"), base.jsmaFSuccess(),
                        base.attackSamples(), 0.9589, 0.05)
                : Claim.rateAtLeast("JSMA-F success, undistilled", Basis.paper("87.89%", "[1], secondary"), base.jsmaFSuccess(),
                        base.attackSamples(), 0.7789));
        Map<Double, Double> publishedSuccess = mnist ? PUBLISHED_MNIST_SUCCESS : PUBLISHED_CIFAR_SUCCESS;
        for (Row r : rows.subList(1, rows.size())) {
            Double published = publishedSuccess.get(r.temperature());
            if (published == null) {
                continue;
            }
            Basis basis = Basis.paper(Claim.percent(published), mnist ? "[1], secondary, read off its figure" : "[1], secondary");
            String q = "JSMA-F success, T=" + TrainingConfig.temperatureText(r.temperature());
            claims.add(r == hottest
                    ? Claim.rateAtMost(q, basis, r.jsmaFSuccess(), r.attackSamples(), mnist ? 0.02 : 0.10)
                    : Claim.reportedRate(q, basis, r.jsmaFSuccess(), r.attackSamples()));
        }
        Basis reduction = Basis.paper("up to 1e30", "[1]");
        double medianReduction = base.log10Amplitude() - hottest.log10Amplitude();
        double meanReduction = base.log10MeanAmplitude() - hottest.log10MeanAmplitude();
        claims.add(Claim.value("gradient amplitude reduction, median sample, " + hot + " vs baseline", reduction,
                String.format(Locale.ROOT, "1e%.1f", medianReduction), Math.min(100, base.attackSamples()), "≥ 1e10", medianReduction >= 10));
        claims.add(Claim.value("gradient amplitude reduction, mean over samples, " + hot + " vs baseline", reduction,
                String.format(Locale.ROOT, "1e%.1f (×%.3g)", meanReduction, Math.pow(10, meanReduction)), Math.min(100, base.attackSamples()),
                "≥ 1e10", meanReduction >= 10).explainedIn(AMPLITUDE_EXPLAINED));
        claims.add(Claim.value("robustness ρ_adv rise, " + hot + " vs baseline, failed attacks counted as 100%", Basis.paper("about +800%", "[1]"),
                String.format(Locale.ROOT, "%+.0f%% (%.3f → %.3f)", 100 * (hottest.robustness() / base.robustness() - 1), base.robustness(),
                        hottest.robustness()), hottest.attackSamples(), "≥ +300%", hottest.robustness() >= 4 * base.robustness()));
        claims.add(Claim.reported("robustness ρ_adv rise, " + hot + " vs baseline, successful attacks only", Basis.paper("about +800%", "[1]"),
                Double.isNaN(hottest.robustnessOfSuccesses()) ? "none: no attack on the " + hot + " net reached its target"
                        : String.format(Locale.ROOT, "%+.0f%% (%.3f → %.3f)", 100 * (hottest.robustnessOfSuccesses() / base.robustnessOfSuccesses() - 1),
                        base.robustnessOfSuccesses(), hottest.robustnessOfSuccesses()), hottest.attackSamples()));
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("distillation-sweep", table);
        String setting = profile.caption(dataset, "Papernot nets", samples);
        Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
        charts.put("success-vs-temperature", chart(new Series("JSMA-F success against T", "success rate", Row::jsmaFSuccess,
                publishedSuccess, "published [1]", mnist ? 0.9589 : 0.8789), rows, setting));
        // plotted as log10 on a linear axis: at T = 100 the typical amplitude is below double's smallest number
        charts.put("gradient-amplitude-vs-temperature", chart(new Series("Adversarial gradient amplitude against T (log scale)",
                "log10 |dF/dx|, median sample", Row::log10Amplitude, Map.of(100.0, base.log10Amplitude() - 30),
                "[1]: up to 1e30 below the baseline", Double.NaN), rows, setting));
        charts.put("robustness-vs-temperature", chart(new Series("Robustness rho_adv against T", "share of pixels JSMA-F must change",
                Row::robustness, Map.of(100.0, 9 * base.robustness()), "[1]: about +800% over the baseline", Double.NaN), rows, setting));
        charts.put("accuracy-vs-temperature", chart(new Series("Clean accuracy against T", "test accuracy", Row::accuracy, Map.of(),
                "published [1]", mnist ? 0.9951 : 0.8095), rows, profile.caption(dataset, "Papernot nets", base.testImages())));
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s, %d training images; baseline %d epochs, %d epochs per teacher and student (paper: 50), shared initialisation "
                        + "(seed 1), deployed at T = 1; JSMA-F with θ = +1, γ = 14.5%%, a seeded random target per sample, on the first %d "
                        + "test images each model classifies correctly. ρ_adv is the mean share of pixels JSMA-F changes to reach its target "
                        + "without a budget; an attack that finds no admissible pixel pair at all (zero gradients) counts as 100%% in the "
                        + "claim, and the row beside it averages the successful attacks only. The "
                        + "gradient amplitude, mean_{j,i} |dF_j/dx_i| per sample, is computed in double precision in a scaled form that "
                        + "cannot underflow, on the first 100 attacked images; both its median and its mean over samples are claimed (the "
                        + "mean is dominated by the few samples near a decision boundary); the float32 column is what an attack sees, mostly "
                        + "exact zeros at high T (share in the table). JSMA-Z and the logit norm are the Carlini-Wagner "
                        + "follow-up: attacks on the logits are not masked by the saturated softmax.", dataset.describe(),
                profile.train(dataset).size(), profile.sizes(dataset).epochs(), profile.sizes(dataset).distillationEpochs(), samples));
        if (temperatures != null) {
            notes.add("Temperatures chosen for this run: " + Arrays.stream(temperatures).mapToObj(TrainingConfig::temperatureText).toList()
                    + " (the paper's sweep: 1, 2, 5, 10, 20, 30, 40, 50, 100).");
        }
        if (!dataset.official()) {
            notes.add("These CIFAR-10 files are not verifiably the official ones (e.g. a JPEG re-encoding): their accuracies are "
                    + "not the official images' accuracies.");
        }
        return new Outcome(claims, tables, charts, Map.<String, BufferedImage>of(), notes);
    }

    /** Measures one model on the attacked images, shard by shard ({@link DistillationShard}: kept in the stage cache). */
    private Row measure(String model, double t, NetworkClassifier c, LabeledImages test, int attackSamples) throws IOException {
        Progress.log("ark4j: measuring the " + dataset.title() + " " + model + (Double.isNaN(t) ? "" : " T=" + TrainingConfig.temperatureText(t)) + " model");
        double acc = Accuracy.of(c, test);
        LabeledImages attacked = Accuracy.correctlyClassified(c, test, attackSamples);
        StageCache stages = ModelCache.standard().stages();
        List<DistillationShard.Measured> shards = new ArrayList<>();
        for (int s = 0; s * DistillationShard.IMAGES < attacked.size(); s++) {
            shards.add(DistillationShard.measure(c, attacked, s, stages));
        }
        DistillationMetrics.JsmaF f = DistillationMetrics.JsmaF.of(concat(shards, DistillationShard.Measured::jsmaFSuccess),
                shards.stream().flatMapToDouble(m -> Arrays.stream(m.jsmaFL0())).toArray(), shards.get(0).features());
        int zSuccesses = shards.stream().mapToInt(DistillationShard.Measured::jsmaZSuccesses).sum();
        int zAttempted = shards.stream().mapToInt(DistillationShard.Measured::jsmaZAttempted).sum();
        DistillationShard.Measured first = shards.get(0);
        DistillationMetrics.Amplitude a = first.amplitude();
        return new Row(model, t, acc, test.size(), f.samples(), f.successRate(), f.robustness(), f.robustnessOfSuccesses(),
                a.log10OfMedian(), a.log10OfMean(), a.float32OfMean(), a.float32ZeroShare(),
                zAttempted == 0 ? Double.NaN : zSuccesses / (double) zAttempted, first.logitL1());
    }

    private static boolean[] concat(List<DistillationShard.Measured> shards, java.util.function.Function<DistillationShard.Measured, boolean[]> part) {
        boolean[] all = new boolean[shards.stream().mapToInt(m -> part.apply(m).length).sum()];
        int at = 0;
        for (DistillationShard.Measured m : shards) {
            boolean[] p = part.apply(m);
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static Table table(List<Row> rows) {
        return Table.create("defensive distillation sweep (deployed at T = 1)",
                StringColumn.create("model", rows.stream().map(Row::model).toList()),
                DoubleColumn.create("T", rows.stream().mapToDouble(Row::temperature).toArray()),
                DoubleColumn.create("accuracy", rows.stream().mapToDouble(Row::accuracy).toArray()),
                DoubleColumn.create("JSMA-F success", rows.stream().mapToDouble(Row::jsmaFSuccess).toArray()),
                DoubleColumn.create("rho_adv", rows.stream().mapToDouble(Row::robustness).toArray()),
                DoubleColumn.create("rho_adv (successful attacks)", rows.stream().mapToDouble(Row::robustnessOfSuccesses).toArray()),
                DoubleColumn.create("log10 |dF/dx| (median sample)", rows.stream().mapToDouble(Row::log10Amplitude).toArray()),
                DoubleColumn.create("log10 |dF/dx| (mean)", rows.stream().mapToDouble(Row::log10MeanAmplitude).toArray()),
                DoubleColumn.create("float32 mean |dF/dx|", rows.stream().mapToDouble(Row::float32Amplitude).toArray()),
                DoubleColumn.create("float32 zero share", rows.stream().mapToDouble(Row::float32ZeroShare).toArray()),
                DoubleColumn.create("JSMA-Z success", rows.stream().mapToDouble(Row::jsmaZSuccess).toArray()),
                DoubleColumn.create("mean |Z|_1", rows.stream().mapToDouble(Row::logitL1).toArray()));
    }

    /**
     * One measure to chart against T, with what [1] published for it: values at some temperatures (markers) and for the
     * baseline (a reference line), either may be empty.
     */
    private record Series(String title, String yTitle, java.util.function.ToDoubleFunction<Row> y, Map<Double, Double> published,
                          String publishedName, double publishedBaseline) {
    }

    /**
     * A measure against T for the distilled models, with the baseline as a horizontal line and the published values as
     * markers (a reference line for a published baseline). With fewer than three temperatures a curve has no shape:
     * the models are bars instead, beside the published values where there are any.
     */
    private static Chart<?, ?> chart(Series series, List<Row> rows, String setting) {
        List<Row> distilled = rows.stream().filter(r -> !Double.isNaN(r.temperature())).toList();
        double base = series.y().applyAsDouble(rows.get(0));
        if (distilled.size() < 3) {
            List<String> models = new ArrayList<>(List.of("undistilled"));
            distilled.forEach(r -> models.add("T=" + TrainingConfig.temperatureText(r.temperature())));
            List<Double> ours = new ArrayList<>(List.of(base));
            distilled.forEach(r -> ours.add(series.y().applyAsDouble(r)));
            CategoryChart c = Charts.bars(series.title() + ": " + setting, "model", series.yTitle(), models, ours, "this run");
            List<Double> published = new ArrayList<>(List.of(series.publishedBaseline()));
            distilled.forEach(r -> published.add(series.published().getOrDefault(r.temperature(), Double.NaN)));
            if (published.stream().anyMatch(v -> !Double.isNaN(v))) {
                c.getStyler().setLegendVisible(true);
                c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
                // a missing published value is drawn as no bar: XChart skips null
                c.addSeries(series.publishedName(), models, published.stream().map(v -> Double.isNaN(v) ? null : v).toList());
            }
            return c;
        }
        double[] t = distilled.stream().mapToDouble(Row::temperature).toArray();
        XYChart c = Charts.line(series.title() + ": " + setting, "distillation temperature T (log scale)", series.yTitle());
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisDecimalPattern("0.###");
        // below the plot: robustness rises with T, so an inside legend would cover the T = 100 point in the corner
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.addSeries("distilled", t, distilled.stream().mapToDouble(series.y()).toArray());
        c.addSeries("undistilled baseline", new double[]{Math.min(1, t[0]), t[t.length - 1]}, new double[]{base, base});
        if (!Double.isNaN(series.publishedBaseline())) {
            Charts.referenceLine(c, "published baseline [1]", Math.min(1, t[0]), t[t.length - 1], series.publishedBaseline());
        }
        series.published().entrySet().stream().filter(e -> e.getKey() >= t[0] && e.getKey() <= t[t.length - 1])
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> Charts.marker(c, series.publishedName() + ", T=" + TrainingConfig.temperatureText(e.getKey()), e.getKey(), e.getValue()));
        return c;
    }
}
