package io.github.ark4j.experiment;

import io.github.ark4j.detect.MutationDetector;
import io.github.ark4j.detect.Roc;
import io.github.ark4j.viz.Charts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report of {@link MutationDetection}: claims against the paper, tables and charts made from {@link MutationResults}. */
final class MutationReport {
    private MutationReport() {
    }

    static Map<String, Table> tables(MutationResults r, int maxMutants) {
        Table mutants = Table.create("accepted mutants (accuracy ≥ 90% of the original's on " + r.validation() + " test images)",
                StringColumn.create("operator"), DoubleColumn.create("accepted"), DoubleColumn.create("drawn"),
                DoubleColumn.create("mean accuracy"), DoubleColumn.create("original accuracy"), DoubleColumn.create("seconds"));
        for (MutationResults.OperatorMutants m : r.mutants()) {
            mutants.stringColumn("operator").append(m.operator());
            mutants.doubleColumn("accepted").append(m.accepted());
            mutants.doubleColumn("drawn").append(m.drawn());
            mutants.doubleColumn("mean accuracy").append(m.meanAccuracy());
            mutants.doubleColumn("original accuracy").append(m.originalAccuracy());
            mutants.doubleColumn("seconds").append(m.seconds());
        }
        Table lcr = Table.create("label change rate (%): mean ± half-width of the 99% confidence interval",
                StringColumn.create("group", r.groups().samples().keySet()));
        Table auc = Table.create("AUROC of the LCR, adversarial vs normal", StringColumn.create("attack", r.groups().attackGroups()));
        Table det = Table.create("SPRT detection (ρ_h = " + MutationDetection.MU + "·ρ_nr, σ = 0.1·ρ_nr, α = β = 0.05, at most " + maxMutants + " mutants)",
                StringColumn.create("operator"), StringColumn.create("group"), DoubleColumn.create("declared adversarial"),
                DoubleColumn.create("mean mutants used"), DoubleColumn.create("rho_nr"));
        for (MutationResults.SourceResults s : r.sources().values()) {
            lcr.addColumns(StringColumn.create(s.source(), r.groups().samples().keySet().stream().map(g -> meanWithCi(s.lcr().get(g)))));
            auc.addColumns(DoubleColumn.create(s.source(), r.groups().attackGroups().stream().mapToDouble(s::auroc)));
            for (Map.Entry<String, MutationDetector.Result> d : s.detection().entrySet()) {
                det.stringColumn("operator").append(s.source());
                det.stringColumn("group").append(d.getKey());
                det.doubleColumn("declared adversarial").append(d.getValue().adversarialShare());
                det.doubleColumn("mean mutants used").append(d.getValue().meanMutantsUsed());
                det.doubleColumn("rho_nr").append(s.rhoNr());
            }
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("mutants", mutants);
        tables.put("lcr", lcr);
        tables.put("auroc", auc);
        tables.put("sprt-detection", det);
        return tables;
    }

    static Map<String, Chart<?, ?>> charts(MutationResults r) {
        Map<String, Chart<?, ?>> charts = new LinkedHashMap<>();
        charts.put("roc-nai", rocChart("NAI", r.sources().get("NAI").lcr()));
        charts.put("roc-input-mutation", rocChart("input mutation", r.sources().get("input").lcr()));
        charts.put("lcr-histogram-nai", histogram("NAI", r.sources().get("NAI").lcr()));
        return charts;
    }

    static List<Claim> claims(Dataset dataset, MutationResults r) {
        return dataset == Dataset.MNIST ? mnistClaims(r) : cifarClaims(r);
    }

    /** docs/papers.md [2]'s MNIST table (rate 0.05) for NAI and GF, with our tolerances. */
    private static List<Claim> mnistClaims(MutationResults r) {
        List<Claim> claims = new ArrayList<>();
        for (String op : List.of("NAI", "GF")) {
            boolean nai = op.equals("NAI");
            MutationResults.SourceResults s = r.sources().get(op);
            double aFgsm = s.auroc("FGSM");
            double aJsma = s.auroc("JSMA");
            claims.add(new Claim("AUROC FGSM, " + op, nai ? "0.9744" : "0.9747", fmt(aFgsm), "≥ 0.90", aFgsm >= 0.90));
            claims.add(new Claim("AUROC JSMA, " + op, nai ? "0.9965" : "0.9975", fmt(aJsma), "≥ 0.95", aJsma >= 0.95));
            double used = s.meanMutantsUsedOnAdversarial();
            claims.add(Claim.shareAtLeast("detection of adversarial samples (mean over attacks), " + op, nai ? "96.4%" : "94.9%",
                    s.meanDetection(false), 0.85));
            claims.add(new Claim("mutants used on adversarial samples, " + op, nai ? "74.1" : "75.5", fmt(used), "≤ 150", used <= 150));
            claims.add(Claim.shareAtLeast("accuracy on normal samples, " + op, nai ? "89.7%" : "90.8%", 1 - s.meanDetection(true), 0.85));
        }
        return claims;
    }

    /**
     * docs/papers.md [2]'s CIFAR-10 figures (rate 0.005; GoogLeNet there, the Papernot net here). Our tolerances: detection
     * within 10 points below the paper's, at most 1.5 times its mutants, AUROC at most 0.05 below.
     */
    private static List<Claim> cifarClaims(MutationResults r) {
        List<Claim> claims = new ArrayList<>();
        double aFgsm = r.sources().get("NAI").auroc("FGSM");
        claims.add(new Claim("AUROC FGSM, NAI", "0.8956", fmt(aFgsm), "≥ 0.85", aFgsm >= 0.8456));
        for (String op : List.of("NAI", "GF")) {
            boolean nai = op.equals("NAI");
            MutationResults.SourceResults s = r.sources().get(op);
            double paperMutants = nai ? 86.1 : 121.7;
            double used = s.meanMutantsUsedOnAdversarial();
            claims.add(Claim.shareAtLeast("detection of adversarial samples (mean over attacks), " + op, nai ? "90.6% (−10 points)" : "85.5% (−10 points)",
                    s.meanDetection(false), nai ? 0.806 : 0.755));
            claims.add(new Claim("mutants used on adversarial samples, " + op, fmt(paperMutants), fmt(used), "≤ " + fmt(1.5 * paperMutants),
                    used <= 1.5 * paperMutants));
        }
        return claims;
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
}
