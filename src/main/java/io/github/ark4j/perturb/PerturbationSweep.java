package io.github.ark4j.perturb;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy of a classifier under each natural perturbation as a function of its severity, batch by batch over a
 * labelled set ({@code viz.Tables.perturbationSweep} and {@code viz.Charts.perturbationSweep} show it).
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

    /** The accuracy under one perturbation at one severity. */
    public record Point(NaturalPerturbation perturbation, double severity, double accuracy) {
    }

    /** Accuracy of {@code model} on {@code data} under every (perturbation, severity), in the sweep's order. */
    public List<Point> run(Classifier model, LabeledImages data) {
        List<Point> points = new ArrayList<>();
        int total = severities.values().stream().mapToInt(v -> v.length).sum();
        try (Progress p = Progress.start("natural perturbations", total, "settings")) {
            for (Map.Entry<NaturalPerturbation, double[]> e : severities.entrySet()) {
                for (double s : e.getValue()) {
                    double acc = accuracy(model, data, e.getKey(), s);
                    points.add(new Point(e.getKey(), s, acc));
                    p.step(1, String.format(Locale.ROOT, " %s acc %.3f", e.getKey().describe(s), acc));
                }
            }
        }
        return points;
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
}
