package io.github.ark4j.perturb;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy of a classifier under each natural perturbation as a function of its severity, batch by batch over a
 * labelled set: a table (perturbation, unit, severity, accuracy) and one chart per perturbation.
 */
public final class PerturbationSweep {
    private final Map<NaturalPerturbation, double[]> severities;
    private final long seed;

    private PerturbationSweep(Map<NaturalPerturbation, double[]> severities, long seed) {
        this.severities = severities;
        this.seed = seed;
    }

    /** Severities for MNIST-sized images, from none to strong. */
    public static PerturbationSweep mnistDefaults(long seed) {
        Map<NaturalPerturbation, double[]> m = new LinkedHashMap<>();
        m.put(NaturalPerturbation.ROTATION, new double[]{0, 10, 20, 30, 45, 60, 90});
        m.put(NaturalPerturbation.SCALING, new double[]{0.5, 0.7, 0.85, 1, 1.2, 1.4});
        m.put(NaturalPerturbation.TRANSLATION, new double[]{0, 1, 2, 3, 4, 6});
        m.put(NaturalPerturbation.BRIGHTNESS, new double[]{-0.6, -0.3, 0, 0.3, 0.6});
        m.put(NaturalPerturbation.CONTRAST, new double[]{0.1, 0.25, 0.5, 1, 2});
        m.put(NaturalPerturbation.GAUSSIAN_NOISE, new double[]{0, 0.1, 0.2, 0.3, 0.5, 0.8});
        m.put(NaturalPerturbation.JPEG, new double[]{100, 50, 20, 10, 5, 1});
        m.put(NaturalPerturbation.DOWNSAMPLING, new double[]{1, 2, 4, 7});
        return new PerturbationSweep(m, seed);
    }

    /** A sweep over the given perturbations and severities. */
    public static PerturbationSweep of(Map<NaturalPerturbation, double[]> severities, long seed) {
        return new PerturbationSweep(new LinkedHashMap<>(severities), seed);
    }

    /** Accuracy of {@code model} on {@code data} under every (perturbation, severity). */
    public Table run(Classifier model, LabeledImages data) {
        StringColumn name = StringColumn.create("perturbation");
        StringColumn unit = StringColumn.create("unit");
        DoubleColumn severity = DoubleColumn.create("severity");
        DoubleColumn accuracy = DoubleColumn.create("accuracy");
        int total = severities.values().stream().mapToInt(v -> v.length).sum();
        try (Progress p = Progress.start("natural perturbations", total, "settings")) {
            for (Map.Entry<NaturalPerturbation, double[]> e : severities.entrySet()) {
                for (double s : e.getValue()) {
                    double acc = accuracy(model, data, e.getKey(), s);
                    name.append(e.getKey().name());
                    unit.append(e.getKey().unit());
                    severity.append(s);
                    accuracy.append(acc);
                    p.step(1, String.format(Locale.ROOT, " %s acc %.3f", e.getKey().describe(s), acc));
                }
            }
        }
        return Table.create("accuracy under natural perturbations (" + data.size() + " images)", name, unit, severity, accuracy);
    }

    /** Accuracy under one perturbation at one severity, in batches of {@link Accuracy#BATCH}. */
    public double accuracy(Classifier model, LabeledImages data, NaturalPerturbation perturbation, double severity) {
        int n = data.size();
        int correct = 0;
        for (int i = 0; i < n; i += Accuracy.BATCH) {
            int m = Math.min(Accuracy.BATCH, n - i);
            INDArray x = data.features().get(NDArrayIndex.interval(i, i + m));
            int[] pred = model.predict(perturbation.apply(x, severity, seed + i));
            for (int j = 0; j < m; j++) {
                if (pred[j] == data.label(i + j)) {
                    correct++;
                }
            }
        }
        return correct / (double) n;
    }

    /** One chart per perturbation: accuracy vs severity, with the unperturbed accuracy as a dashed line. */
    public static Map<String, XYChart> charts(Table sweep, double cleanAccuracy) {
        Map<String, XYChart> charts = new LinkedHashMap<>();
        for (String p : new java.util.LinkedHashSet<>(sweep.stringColumn("perturbation").asList())) { // in sweep order
            Table t = sweep.where(sweep.stringColumn("perturbation").isEqualTo(p));
            String unit = t.stringColumn("unit").get(0);
            XYChart c = Charts.line(p.toLowerCase(Locale.ROOT).replace('_', ' '), unit, "accuracy");
            double[] xs = t.doubleColumn("severity").asDoubleArray();
            c.addSeries("accuracy", xs, t.doubleColumn("accuracy").asDoubleArray());
            double lo = java.util.Arrays.stream(xs).min().orElse(0);
            double hi = java.util.Arrays.stream(xs).max().orElse(1);
            org.knowm.xchart.XYSeries clean = c.addSeries("clean", new double[]{lo, hi}, new double[]{cleanAccuracy, cleanAccuracy});
            clean.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            clean.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            charts.put(p, c);
        }
        return charts;
    }
}
