package io.github.ark4j.experiment;

import io.github.ark4j.detect.Roc;
import io.github.ark4j.util.Stats;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of a reproduction report: what a paper published (or, where it published nothing comparable, a peer's
 * measurement or our own target), this run's value with its 95% interval and sample size, the tolerance and the
 * verdict. The experiments hold their claims as data, one place per published number; the tables are generated.
 *
 * <p>Verdicts. A rate carries a Wilson interval ({@link Stats#wilson}), an AUROC a bootstrap interval
 * ({@link Roc#aucInterval}). A claim <em>passes</em> when this run's value is inside the tolerance; it passes
 * <em>within its interval</em> when the value is outside but the 95% interval reaches into the tolerance (the sample
 * is too small to tell them apart); otherwise it fails, and a failure that a measurement has explained
 * (docs/known-differences.md) is reported as a <em>known difference</em> with the link. A value without a tolerance
 * is <em>reported</em> so that no computed number is left out.
 *
 * @param quantity    what is measured
 * @param basis       what it is compared with: published value and source, peer measurement, our target
 * @param ours        this run's value as shown
 * @param interval    the 95% interval as shown, or "" when the value has none
 * @param n           the sample size behind {@code ours}, or 0 when it is not a sample statistic
 * @param tolerance   the accepted range, in words, or "" for a value that is only reported
 * @param verdict     the outcome
 * @param explanation where a known difference is explained, or "" when none is
 */
public record Claim(String quantity, Basis basis, String ours, String interval, int n, String tolerance, Verdict verdict,
                    String explanation) {

    public Claim {
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** Replications of the AUROC bootstrap: enough for a stable 95% interval (its ends move by < 0.005 between seeds). */
    static final int BOOTSTRAP_REPLICATES = 1000;

    /** The outcome of a claim. */
    public enum Verdict {
        PASS("pass"),
        PASS_WITHIN_INTERVAL("pass (within the 95% interval)"),
        KNOWN_DIFFERENCE("known difference"),
        FAIL("FAIL"),
        REPORTED("reported");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        /** The verdict as a report shows it. */
        public String text() {
            return text;
        }

        /** True for the verdicts that count as reproduced. */
        public boolean passes() {
            return this == PASS || this == PASS_WITHIN_INTERVAL;
        }
    }

    /**
     * What a claim is compared with. Only {@code published} is a paper's number; a peer measurement and a target of ours
     * are shown in their own columns so that a reader never takes them for the paper's.
     *
     * @param published the paper's value as printed, or "–" when the paper gives none for this set-up
     * @param source    where it is published (docs/papers.md reference, and "secondary" when quoted by a later paper)
     * @param peer      a peer tool's measurement (tool, version, model), or ""
     * @param target    our own target and why we set it, or "" when the tolerance derives from the published value
     */
    public record Basis(String published, String source, String peer, String target) {
        public Basis {
            Objects.requireNonNull(published, "published");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(target, "target");
        }

        /** A published number and where it is printed. */
        public static Basis paper(String published, String source) {
            return new Basis(published, source, "", "");
        }

        /** No published number for this set-up: our own target and why ("" when the value is only reported). */
        public static Basis unpublished(String target) {
            return new Basis("–", "", "", target);
        }

        /** The same basis with a peer measurement beside it. */
        public Basis peer(String measurement) {
            return new Basis(published, source, measurement, target);
        }

        /** The same basis with our own target beside the published value (the set-up differs from the paper's). */
        public Basis target(String why) {
            return new Basis(published, source, peer, why);
        }

        /** The published value with its source, as the report's column shows it. */
        String publishedWithSource() {
            return source.isEmpty() ? published : published + " (" + source + ")";
        }
    }

    /** A rate (share of {@code n} trials) that must be at least {@code min}. */
    public static Claim rateAtLeast(String quantity, Basis basis, double rate, int n, double min) {
        return rate(quantity, basis, rate, n, "≥ " + percent(min), min, 1);
    }

    /** A rate (share of {@code n} trials) that must be at most {@code max}. */
    public static Claim rateAtMost(String quantity, Basis basis, double rate, int n, double max) {
        return rate(quantity, basis, rate, n, "≤ " + percent(max), 0, max);
    }

    /** A rate (share of {@code n} trials) within {@code center ± halfWidth}. */
    public static Claim rateWithin(String quantity, Basis basis, double rate, int n, double center, double halfWidth) {
        return rate(quantity, basis, rate, n, String.format(Locale.ROOT, "%s ± %.1f points", percent(center), 100 * halfWidth),
                center - halfWidth, center + halfWidth);
    }

    /**
     * A mean of shares (0..1 each, e.g. the share of pixels an attack changed) that must be at most {@code max}, with the
     * normal-approximation 95% interval of the mean, mean ± 1.96·s/√n.
     */
    public static Claim meanShareAtMost(String quantity, Basis basis, double[] shares, double max) {
        return meanShare(quantity, basis, shares, Double.NEGATIVE_INFINITY, max, "≤ " + percent(max));
    }

    /** A mean of shares within [lo, hi] (either may be infinite), the tolerance shown as {@code tolerance}; see {@link #meanShareAtMost}. */
    public static Claim meanShare(String quantity, Basis basis, double[] shares, double lo, double hi, String tolerance) {
        int n = shares.length;
        if (n == 0) {
            return new Claim(quantity, basis, "n/a (no samples)", "", 0, tolerance, Verdict.FAIL, "");
        }
        double mean = java.util.Arrays.stream(shares).average().orElseThrow();
        double half = Stats.Z_95 * Stats.standardDeviation(shares) / Math.sqrt(n);
        double[] ci = {mean - half, mean + half};
        return new Claim(quantity, basis, percent(mean), interval(ci), n, tolerance, verdict(mean, ci, lo, hi), "");
    }

    /**
     * An AUROC of positives (adversarial) against negatives (normal) that must be at least {@code min}, with its
     * seeded bootstrap interval; n is the number of positives and negatives.
     */
    public static Claim aurocAtLeast(String quantity, Basis basis, double[] positives, double[] negatives, double min) {
        int n = positives.length + negatives.length;
        if (positives.length == 0 || negatives.length == 0) {
            return new Claim(quantity, basis, "n/a (no samples)", "", n, "≥ " + number(min), Verdict.FAIL, "");
        }
        double auc = Roc.auc(positives, negatives);
        double[] ci = Roc.aucInterval(positives, negatives, BOOTSTRAP_REPLICATES, 1);
        return new Claim(quantity, basis, number(auc), "[" + number(ci[0]) + ", " + number(ci[1]) + "]", n, "≥ " + number(min),
                verdict(auc, ci, min, Double.POSITIVE_INFINITY), "");
    }

    /** A value without an interval (a ratio, a norm, a count) and whether it is inside the tolerance. */
    public static Claim value(String quantity, Basis basis, String ours, int n, String tolerance, boolean pass) {
        return new Claim(quantity, basis, ours, "", n, tolerance, pass ? Verdict.PASS : Verdict.FAIL, "");
    }

    /** A value shown beside the claims without a tolerance: computed, so reported. */
    public static Claim reported(String quantity, Basis basis, String ours, int n) {
        return new Claim(quantity, basis, ours, "", n, "", Verdict.REPORTED, "");
    }

    /** A rate shown without a tolerance, with its interval. */
    public static Claim reportedRate(String quantity, Basis basis, double rate, int n) {
        return new Claim(quantity, basis, percent(rate), wilsonText(rate, n), n, "", Verdict.REPORTED, "");
    }

    /**
     * This claim with the place that explains why it is not met ("docs/known-differences.md#..."): a failure becomes a
     * known difference; any other verdict is kept, and the explanation is shown only for a known difference.
     */
    public Claim explainedIn(String where) {
        return verdict == Verdict.FAIL ? new Claim(quantity, basis, ours, interval, n, tolerance, Verdict.KNOWN_DIFFERENCE, where) : this;
    }

    private static Claim rate(String quantity, Basis basis, double rate, int n, String tolerance, double lo, double hi) {
        if (n <= 0 || Double.isNaN(rate)) {
            return new Claim(quantity, basis, "n/a (no samples)", "", Math.max(n, 0), tolerance, Verdict.FAIL, "");
        }
        long k = Math.round(rate * n);
        double[] ci = Stats.wilson(k, n);
        return new Claim(quantity, basis, percent(rate), interval(ci), n, tolerance, verdict(rate, ci, lo, hi), "");
    }

    /** PASS inside [lo, hi]; PASS_WITHIN_INTERVAL when only the interval meets it; FAIL otherwise. */
    static Verdict verdict(double value, double[] ci, double lo, double hi) {
        if (value >= lo && value <= hi) {
            return Verdict.PASS;
        }
        return ci[1] >= lo && ci[0] <= hi ? Verdict.PASS_WITHIN_INTERVAL : Verdict.FAIL;
    }

    private static String wilsonText(double rate, int n) {
        return n <= 0 || Double.isNaN(rate) ? "" : interval(Stats.wilson(Math.round(rate * n), n));
    }

    private static String interval(double[] ci) {
        return "[" + percent(ci[0]) + ", " + percent(ci[1]) + "]";
    }

    /** The claims as a table, one row each: quantity, published (source), peer, our target, this run, interval, N, tolerance, verdict. */
    public static Table table(List<Claim> claims) {
        return Table.create("published vs this run",
                StringColumn.create("quantity", claims.stream().map(Claim::quantity).toList()),
                StringColumn.create("published", claims.stream().map(c -> c.basis().publishedWithSource()).toList()),
                StringColumn.create("peer measurement", claims.stream().map(c -> c.basis().peer()).toList()),
                StringColumn.create("our target", claims.stream().map(c -> c.basis().target()).toList()),
                StringColumn.create("this run", claims.stream().map(Claim::ours).toList()),
                StringColumn.create("95% interval", claims.stream().map(Claim::interval).toList()),
                StringColumn.create("N", claims.stream().map(c -> c.n() > 0 ? String.format(Locale.ROOT, "%,d", c.n()) : "").toList()),
                StringColumn.create("tolerance", claims.stream().map(Claim::tolerance).toList()),
                StringColumn.create("verdict", claims.stream().map(Claim::verdictText).toList()));
    }

    /** The verdict, with where it is explained for a known difference. */
    public String verdictText() {
        return explanation.isEmpty() ? verdict.text() : verdict.text() + ", see " + explanation;
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
