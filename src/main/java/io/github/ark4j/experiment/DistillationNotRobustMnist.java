package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.CarliniWagnerL2;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.internal.chartpart.Chart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Defensive distillation is not robust (Carlini and Wagner, "Defensive Distillation is Not Robust to Adversarial
 * Examples", arXiv 1607.04311, and "Towards Evaluating the Robustness of Neural Networks", S&P 2017, Section VIII;
 * docs/papers.md [1], follow-up; notebook 05). The undistilled Papernot net and the student distilled at the hottest
 * temperature of the profile (the same cached models as {@link Distillation}) are attacked through their
 * probabilities (FGSM on the T = 1 loss, JSMA-F) and through their logits (JSMA-Z, C&W L2). Distillation multiplies
 * the logits by about T, so the deployed softmax saturates in float32 and the probability gradients vanish: the first
 * kind of attack fails, the second does not.
 */
public final class DistillationNotRobustMnist implements Experiment {
    @Override
    public String name() {
        return "distillation-not-robust-mnist";
    }

    @Override
    public String title() {
        return "Distillation is not robust: logit attacks on the distilled MNIST net (Carlini & Wagner, docs/papers.md [1] follow-up)";
    }

    /** One model under every attack. */
    public record Row(String model, double accuracy, double saturatedShare, double logitL1, double fgsmSuccess,
                      double jsmaFSuccess, double jsmaZSuccess, double cwSuccess, double cwMeanL2) {
    }

    /** C&W is the costly attack: fewer samples and a shorter search in the quick profile. */
    static CarliniWagnerL2 carliniWagner(Profile profile) {
        return profile == Profile.QUICK ? CarliniWagnerL2.builder().binarySteps(6).iterations(300).build() : CarliniWagnerL2.builder().build();
    }

    static int carliniWagnerSamples(Profile profile) {
        return profile == Profile.QUICK ? 20 : 100;
    }

    @Override
    public Outcome run(Profile profile) throws IOException {
        LabeledImages test = profile.mnistTest();
        double[] temperatures = profile.temperatures();
        double hottest = temperatures[temperatures.length - 1];
        Row base = measure("undistilled", profile.papernotMnist(), test, profile);
        Classifier student = profile.distilledPapernotMnist(hottest).student();
        Row distilled = measure("distilled T=" + (long) hottest, student, test, profile);
        List<Row> rows = List.of(base, distilled);
        Table table = Table.create("attacks through the probabilities and through the logits (deployed at T = 1)",
                StringColumn.create("model", rows.stream().map(Row::model).toList()),
                DoubleColumn.create("accuracy", rows.stream().mapToDouble(Row::accuracy).toArray()),
                DoubleColumn.create("saturated softmax share", rows.stream().mapToDouble(Row::saturatedShare).toArray()),
                DoubleColumn.create("mean |Z|_1", rows.stream().mapToDouble(Row::logitL1).toArray()),
                DoubleColumn.create("FGSM eps 0.3 success", rows.stream().mapToDouble(Row::fgsmSuccess).toArray()),
                DoubleColumn.create("JSMA-F success", rows.stream().mapToDouble(Row::jsmaFSuccess).toArray()),
                DoubleColumn.create("JSMA-Z success", rows.stream().mapToDouble(Row::jsmaZSuccess).toArray()),
                DoubleColumn.create("C&W L2 success", rows.stream().mapToDouble(Row::cwSuccess).toArray()),
                DoubleColumn.create("C&W mean L2", rows.stream().mapToDouble(Row::cwMeanL2).toArray()));
        List<Claim> claims = List.of(
                new Claim("logit L1 norm, distilled vs undistilled", "5.8 → 482 (×83)",
                        String.format(Locale.ROOT, "%.1f → %.1f (×%.0f)", base.logitL1(), distilled.logitL1(), distilled.logitL1() / base.logitL1()),
                        "≥ ×10", distilled.logitL1() >= 10 * base.logitL1()),
                Claim.shareAtMost("JSMA-F success, distilled", "0.5%", distilled.jsmaFSuccess(), 0.02),
                new Claim("JSMA-Z success, distilled vs undistilled", "as high as undistilled",
                        String.format(Locale.ROOT, "%.1f%% vs %.1f%%", 100 * distilled.jsmaZSuccess(), 100 * base.jsmaZSuccess()),
                        "≥ 0.8× undistilled", distilled.jsmaZSuccess() >= 0.8 * base.jsmaZSuccess()),
                Claim.shareAtLeast("C&W L2 success, distilled", "100%", distilled.cwSuccess(), 0.95),
                new Claim("C&W L2 mean distortion, distilled", "≈ 2.2", String.format(Locale.ROOT, "%.2f", distilled.cwMeanL2()), "±50%",
                        Math.abs(distilled.cwMeanL2() / 2.2 - 1) <= 0.5));
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("attacks-on-distilled", table);
        Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
        List<String> attacks = List.of("FGSM", "JSMA-F", "JSMA-Z", "C&W L2");
        var chart = Charts.bars("Attack success: undistilled vs distilled T=" + (long) hottest, "attack", "success rate", attacks,
                List.of(base.fgsmSuccess(), base.jsmaFSuccess(), base.jsmaZSuccess(), base.cwSuccess()), "undistilled");
        chart.getStyler().setLegendVisible(true);
        chart.addSeries(distilled.model(), attacks, List.of(distilled.fgsmSuccess(), distilled.jsmaFSuccess(), distilled.jsmaZSuccess(), distilled.cwSuccess()));
        charts.put("success-by-attack", chart);
        List<String> notes = List.of(String.format(Locale.ROOT, "Both models deployed at T = 1; attacks on the first %d test images each "
                        + "model classifies correctly (C&W on the first %d of them, %s), a seeded random target per image for the targeted "
                        + "attacks; FGSM untargeted on the cross-entropy at T = 1; JSMA θ = +1, γ = 14.5%%. \"Saturated\": the top float32 "
                        + "probability is exactly 1. Models: %d epochs each, shared initialisation (seed 1); the paper's 50 epochs give a "
                        + "stronger baseline.", profile.attackSamples(), carliniWagnerSamples(profile), carliniWagner(profile).name(),
                profile.distillationEpochs()));
        return new Outcome(claims, tables, charts, Map.<String, BufferedImage>of(), notes);
    }

    private static Row measure(String model, Classifier c, LabeledImages test, Profile profile) {
        Progress.log("ark4j: attacking the " + model + " model");
        double acc = Accuracy.of(c, test);
        LabeledImages samples = Accuracy.correctlyClassified(c, test, profile.attackSamples());
        int[] targets = Jsma.randomTargets(samples.labels(), samples.classes(), 1);
        INDArray top = c.probabilities(samples.features(), 1).castTo(DataType.FLOAT).max(1);
        double saturated = top.eq(1.0f).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        double logitL1 = Transforms.abs(c.logits(samples.features()), true).sum(1).meanNumber().doubleValue();
        double fgsm = Fgsm.builder().epsilon(0.3).build().run(c, samples.features(), samples.labels()).successRate(samples.labels());
        double jsmaF = Jsma.builder().output(Jsma.Output.PROBABILITIES).build().run(c, samples.features(), samples.labels(), targets)
                .successRate(samples.labels());
        double jsmaZ = Jsma.builder().build().run(c, samples.features(), samples.labels(), targets).successRate(samples.labels());
        int n = Math.min(carliniWagnerSamples(profile), samples.size());
        LabeledImages cwSamples = samples.first(n);
        AttackResult cw = carliniWagner(profile).run(c, cwSamples.features(), cwSamples.labels(), java.util.Arrays.copyOf(targets, n));
        return new Row(model, acc, saturated, logitL1, fgsm, jsmaF, jsmaZ, cw.successRate(cwSamples.labels()), cw.meanSuccessfulL2());
    }
}
