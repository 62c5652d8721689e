package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.Stats;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.function.ObjDoubleConsumer;

/**
 * Accuracy under FGSM as a function of ε (Goodfellow et al. 2015: the MNIST softmax model reaches 99.9% error at
 * ε = 0.25): one FGSM run per ε over the same images.
 */
public final class FgsmCurve {
    private FgsmCurve() {
    }

    public static Table run(Classifier model, LabeledImages data, double[] epsilons) {
        return run(model, data, epsilons, (r, e) -> { });
    }

    /** {@link #run}, handing each ε's attack result to {@code each} before the next ε runs (none is kept here). */
    public static Table run(Classifier model, LabeledImages data, double[] epsilons, ObjDoubleConsumer<AttackResult> each) {
        DoubleColumn eps = DoubleColumn.create("epsilon");
        DoubleColumn acc = DoubleColumn.create("accuracy");
        DoubleColumn l2 = DoubleColumn.create("mean L2");
        DoubleColumn ms = DoubleColumn.create("ms per sample");
        DoubleColumn low = DoubleColumn.create("accuracy 95% low");
        DoubleColumn high = DoubleColumn.create("accuracy 95% high");
        try (Progress p = Progress.start("FGSM sweep", epsilons.length, "eps")) {
            for (double e : epsilons) {
                AttackResult r = Fgsm.builder().epsilon(e).build().run(model, data.features(), data.labels());
                each.accept(r, e);
                eps.append(e);
                acc.append(r.adversarialAccuracy(data.labels()));
                double[] ci = Stats.wilson(Math.round(acc.get(acc.size() - 1) * data.size()), data.size());
                low.append(ci[0]);
                high.append(ci[1]);
                l2.append(java.util.Arrays.stream(r.l2()).average().orElse(0));
                ms.append(1000 * r.seconds() / r.size());
                p.step(1, String.format(java.util.Locale.ROOT, " eps %.2f acc %.3f", e, acc.get(acc.size() - 1)));
            }
        }
        return Table.create("accuracy under FGSM (" + data.size() + " test images)", eps, acc, low, high, l2, ms);
    }

    /** The accuracy at one ε of a table made by {@link #run}. */
    public static double accuracyAt(Table t, double epsilon) {
        DoubleColumn eps = t.doubleColumn("epsilon");
        for (int i = 0; i < eps.size(); i++) {
            if (Math.abs(eps.getDouble(i) - epsilon) < 1e-9) {
                return t.doubleColumn("accuracy").getDouble(i);
            }
        }
        throw new IllegalArgumentException("epsilon " + epsilon + " is not in the table " + t.name());
    }

    /**
     * Accuracy against ε from a table made by {@link #run}, titled with its setting ({@link Profile#caption}): the curve
     * with its 95% Wilson band, and as markers what Goodfellow et al. published at ε = 0.25 for their (different) nets.
     */
    public static XYChart chart(Table t, String setting) {
        XYChart c = Charts.line("Accuracy under FGSM: " + setting, "epsilon (L-inf)", "accuracy");
        double[] eps = t.doubleColumn("epsilon").asDoubleArray();
        c.addSeries("this run", eps, t.doubleColumn("accuracy").asDoubleArray());
        Charts.band(c, "95% interval (Wilson)", eps, t.doubleColumn("accuracy 95% low").asDoubleArray(),
                t.doubleColumn("accuracy 95% high").asDoubleArray());
        Charts.marker(c, "published [3]: maxout net, 89.4% error", PUBLISHED_EPSILON, 1 - 0.894);
        Charts.marker(c, "published [3]: shallow softmax, 99.9% error", PUBLISHED_EPSILON, 1 - 0.999);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        return c;
    }

    /** The ε at which docs/papers.md [3] reports its error rates. */
    public static final double PUBLISHED_EPSILON = 0.25;
}
