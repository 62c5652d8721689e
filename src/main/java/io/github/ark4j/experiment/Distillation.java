package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.defense.DistillationMetrics;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.nd4j.linalg.ops.transforms.Transforms;
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

    /** One measured model. */
    public record Row(String model, double temperature, double accuracy, double jsmaFSuccess, double robustness,
                      double log10Amplitude, double log10MeanAmplitude, double float32Amplitude, double float32ZeroShare,
                      double jsmaZSuccess, double logitL1) {
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
        String hot = "T=" + fmt(hottest.temperature());
        List<Claim> claims = new ArrayList<>();
        if (dataset == Dataset.MNIST) {
            claims.add(Claim.shareAtLeast("baseline accuracy", "99.51% (−1.0 point)", base.accuracy(), 0.9851));
            claims.add(Claim.shareAtLeast("distilled accuracy, " + hot, "issue target ≥ 98.5%", hottest.accuracy(), 0.985));
            claims.add(Claim.shareAtLeast("JSMA-F success, undistilled", "95.89% (issue target ≥ 85%)", base.jsmaFSuccess(), 0.85));
            claims.add(Claim.shareAtMost("JSMA-F success, " + hot, "0.5%", hottest.jsmaFSuccess(), 0.02));
        } else {
            claims.add(Claim.shareAtLeast("baseline accuracy (JPEG re-encoded CIFAR-10)", "80.95% (−5.0 points)", base.accuracy(), 0.7595));
            claims.add(Claim.shareAtLeast("JSMA-F success, undistilled", "87.89% (−10 points)", base.jsmaFSuccess(), 0.7789));
            claims.add(Claim.shareAtMost("JSMA-F success, " + hot, "5.11% (issue target ≤ 10%)", hottest.jsmaFSuccess(), 0.10));
        }
        claims.addAll(List.of(
                new Claim("gradient amplitude reduction (median sample), " + hot + " vs baseline", "up to 1e30",
                        String.format(Locale.ROOT, "1e%.1f", base.log10Amplitude() - hottest.log10Amplitude()), "≥ 1e10",
                        base.log10Amplitude() - hottest.log10Amplitude() >= 10),
                new Claim("robustness ρ_adv rise, " + hot + " vs baseline", "about +800%",
                        String.format(Locale.ROOT, "%+.0f%%", 100 * (hottest.robustness() / base.robustness() - 1)), "≥ +300%",
                        hottest.robustness() >= 4 * base.robustness())));
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("distillation-sweep", table);
        Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
        charts.put("success-vs-temperature", chart("JSMA-F success against T", "success rate", rows, Row::jsmaFSuccess));
        // plotted as log10 on a linear axis: at T = 100 the typical amplitude is below double's smallest number
        charts.put("gradient-amplitude-vs-temperature", chart("Adversarial gradient amplitude against T (log scale)",
                "log10 |dF/dx|, median sample", rows, Row::log10Amplitude));
        charts.put("robustness-vs-temperature", chart("Robustness rho_adv against T", "share of pixels JSMA-F must change", rows, Row::robustness));
        charts.put("accuracy-vs-temperature", chart("Clean accuracy against T", "test accuracy", rows, Row::accuracy));
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s, %d training images; baseline %d epochs, %d epochs per teacher and student (paper: 50), shared initialisation "
                        + "(seed 1), deployed at T = 1; JSMA-F with θ = +1, γ = 14.5%%, a seeded random target per sample, on the first %d "
                        + "test images each model classifies correctly. ρ_adv is the mean share of pixels JSMA-F changes to reach its target "
                        + "without a budget, an attack that finds no admissible pixel pair at all (zero gradients) counting as 100%%. The "
                        + "gradient amplitude, mean_{j,i} |dF_j/dx_i| per sample, is computed in double precision in a scaled form that "
                        + "cannot underflow (median and mean over samples; the mean is dominated by the few samples near a decision "
                        + "boundary); the float32 column is what an attack sees, mostly exact zeros at high T (share in the table). JSMA-Z and the logit norm are the Carlini-Wagner "
                        + "follow-up: attacks on the logits are not masked by the saturated softmax.", dataset.title(),
                profile.train(dataset).size(), profile.sizes(dataset).epochs(), profile.sizes(dataset).distillationEpochs(), samples));
        if (temperatures != null) {
            notes.add("Temperatures chosen for this run: " + Arrays.stream(temperatures).mapToObj(Distillation::fmt).toList()
                    + " (the paper's sweep: 1, 2, 5, 10, 20, 30, 40, 50, 100).");
        }
        if (dataset == Dataset.CIFAR10) {
            notes.add("Our CIFAR-10 is a JPEG re-encoding of the official images, so its accuracies "
                    + "are not the official images' accuracies.");
        }
        return new Outcome(claims, tables, charts, Map.<String, BufferedImage>of(), notes);
    }

    private Row measure(String model, double t, Classifier c, LabeledImages test, int attackSamples) {
        Progress.log("ark4j: measuring the " + dataset.title() + " " + model + (Double.isNaN(t) ? "" : " T=" + fmt(t)) + " model");
        double acc = Accuracy.of(c, test);
        LabeledImages samples = Accuracy.correctlyClassified(c, test, attackSamples);
        DistillationMetrics.JsmaF f = DistillationMetrics.jsmaF(c, samples, 1);
        AttackResult z = Jsma.builder().build().runInBatches(c, samples.features(), samples.labels(), Jsma.randomTargets(samples.labels(), samples.classes(), 1),
                DistillationMetrics.ATTACK_BATCH);
        LabeledImages gradSamples = samples.first(Math.min(100, samples.size()));
        DistillationMetrics.Amplitude a = DistillationMetrics.gradientAmplitude(c, gradSamples.features());
        double logitL1 = Transforms.abs(c.logits(gradSamples.features()), true).sum(1).meanNumber().doubleValue();
        return new Row(model, t, acc, f.successRate(), f.robustness(), a.log10OfMedian(), a.log10OfMean(), a.float32OfMean(),
                a.float32ZeroShare(), z.successRate(samples.labels()), logitL1);
    }

    private static Table table(List<Row> rows) {
        return Table.create("defensive distillation sweep (deployed at T = 1)",
                StringColumn.create("model", rows.stream().map(Row::model).toList()),
                DoubleColumn.create("T", rows.stream().mapToDouble(Row::temperature).toArray()),
                DoubleColumn.create("accuracy", rows.stream().mapToDouble(Row::accuracy).toArray()),
                DoubleColumn.create("JSMA-F success", rows.stream().mapToDouble(Row::jsmaFSuccess).toArray()),
                DoubleColumn.create("rho_adv", rows.stream().mapToDouble(Row::robustness).toArray()),
                DoubleColumn.create("log10 |dF/dx| (median sample)", rows.stream().mapToDouble(Row::log10Amplitude).toArray()),
                DoubleColumn.create("log10 |dF/dx| (mean)", rows.stream().mapToDouble(Row::log10MeanAmplitude).toArray()),
                DoubleColumn.create("float32 mean |dF/dx|", rows.stream().mapToDouble(Row::float32Amplitude).toArray()),
                DoubleColumn.create("float32 zero share", rows.stream().mapToDouble(Row::float32ZeroShare).toArray()),
                DoubleColumn.create("JSMA-Z success", rows.stream().mapToDouble(Row::jsmaZSuccess).toArray()),
                DoubleColumn.create("mean |Z|_1", rows.stream().mapToDouble(Row::logitL1).toArray()));
    }

    /** A measure against T for the distilled models, with the baseline as a horizontal line. */
    private static XYChart chart(String title, String yTitle, List<Row> rows, java.util.function.ToDoubleFunction<Row> y) {
        List<Row> distilled = rows.stream().filter(r -> !Double.isNaN(r.temperature())).toList();
        double[] t = distilled.stream().mapToDouble(Row::temperature).toArray();
        XYChart c = Charts.line(title, "distillation temperature T (log scale)", yTitle);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisDecimalPattern("0.###");
        // below the plot: robustness rises with T, so an inside legend would cover the T = 100 point in the corner
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.addSeries("distilled", t, distilled.stream().mapToDouble(y).toArray());
        double base = y.applyAsDouble(rows.get(0));
        // from T = 1 at least, so that a run at a single temperature still draws the baseline as a line
        c.addSeries("undistilled baseline", new double[]{Math.min(1, t[0]), t[t.length - 1]}, new double[]{base, base});
        return c;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
