package io.github.ark4j.experiment;

import io.github.ark4j.experiment.Claim.Basis;
import io.github.ark4j.experiment.Claim.Verdict;
import io.github.ark4j.util.Stats;
import io.github.ark4j.detect.Roc;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The claim data: each tolerance just inside and just outside, the intervals behind the verdicts, and the table. */
class ClaimTest {
    private static final Basis PAPER = Basis.paper("97%", "[5]");

    @Test
    void wilsonIntervalMatchesTheClosedForm() {
        // k = 8, n = 10: p = 0.8, z² = 3.8415: centre (0.8 + 0.19207)/1.38415 = 0.71680, half 1.95996·√(0.016 + 0.0096037)/1.38415 = 0.22659
        double[] ci = Stats.wilson(8, 10);
        assertEquals(0.49016, ci[0], 1e-5);
        assertEquals(0.94332, ci[1], 1e-5);
        // the ends of the range stay inside [0, 1] and keep a width: 0 of 20 is not "certainly 0"
        assertEquals(0, Stats.wilson(0, 20)[0], 1e-12);
        assertEquals(0.16113, Stats.wilson(0, 20)[1], 1e-5);
        assertEquals(1, Stats.wilson(20, 20)[1], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.wilson(11, 10));
    }

    @Test
    void rateAtLeastJustInsideAndJustOutside() {
        // 900 of 1000 = 90.0% against ≥ 90%: inside
        assertEquals(Verdict.PASS, Claim.rateAtLeast("q", PAPER, 0.900, 1000, 0.90).verdict());
        // 899 of 1000 = 89.9%: outside, but the interval [87.9%, 91.6%] reaches 90%
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.rateAtLeast("q", PAPER, 0.899, 1000, 0.90).verdict());
        // 844 of 1000: the interval's top, 86.5%, is below 90%
        Claim fail = Claim.rateAtLeast("q", PAPER, 0.844, 1000, 0.90);
        assertEquals(Verdict.FAIL, fail.verdict());
        assertEquals(1000, fail.n());
        assertEquals("84.40%", fail.ours());
        assertEquals("[82.02%, 86.52%]", fail.interval());
        // the same rate on 20 images is too uncertain to fail: its interval reaches 90%
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.rateAtLeast("q", PAPER, 17 / 20.0, 20, 0.90).verdict());
    }

    @Test
    void rateAtMostJustInsideAndJustOutside() {
        assertEquals(Verdict.PASS, Claim.rateAtMost("q", PAPER, 0.200, 10_000, 0.20).verdict());
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.rateAtMost("q", PAPER, 0.2005, 10_000, 0.20).verdict());
        assertEquals(Verdict.FAIL, Claim.rateAtMost("q", PAPER, 0.3683, 10_000, 0.20).verdict());
    }

    @Test
    void rateWithinJustInsideAndJustOutside() {
        assertEquals(Verdict.PASS, Claim.rateWithin("q", PAPER, 0.9100, 10_000, 0.9589, 0.05).verdict());
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.rateWithin("q", PAPER, 0.9085, 10_000, 0.9589, 0.05).verdict());
        assertEquals(Verdict.FAIL, Claim.rateWithin("q", PAPER, 0.8500, 10_000, 0.9589, 0.05).verdict());
        assertEquals(Verdict.FAIL, Claim.rateWithin("q", PAPER, 1.0, 10_000, 0.9000, 0.05).verdict());
    }

    @Test
    void meanShareJustInsideAndJustOutside() {
        double[] atSix = {0.05, 0.06, 0.07};
        assertEquals(Verdict.PASS, Claim.meanShareAtMost("q", PAPER, atSix, 0.06).verdict());
        double[] justOver = {0.0600, 0.0601, 0.0599, 0.0604};
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.meanShareAtMost("q", PAPER, justOver, 0.06).verdict());
        double[] wellOver = {0.066, 0.067, 0.068, 0.067, 0.066};
        assertEquals(Verdict.FAIL, Claim.meanShareAtMost("q", PAPER, wellOver, 0.06).verdict());
        assertEquals(Verdict.FAIL, Claim.meanShare("q", PAPER, new double[]{0.2, 0.2}, 0.25, Double.POSITIVE_INFINITY, "≥ x").verdict());
    }

    @Test
    void aurocCarriesASeededBootstrapInterval() {
        double[] pos = new double[200];
        double[] neg = new double[300];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < pos.length; i++) {
            pos[i] = r.nextDouble() + 0.4;
        }
        for (int i = 0; i < neg.length; i++) {
            neg[i] = r.nextDouble();
        }
        double auc = Roc.auc(pos, neg);
        double[] ci = Roc.aucInterval(pos, neg, 1000, 1);
        assertTrue(ci[0] < auc && auc < ci[1], "the AUROC " + auc + " lies inside its interval " + ci[0] + ".." + ci[1]);
        // standard error of an AUROC near 0.8 with 200 + 300 samples is about 0.02: the 95% interval is about ±0.04
        assertTrue(ci[1] - ci[0] > 0.04 && ci[1] - ci[0] < 0.12, "width " + (ci[1] - ci[0]));
        assertArrayEquals(ci, Roc.aucInterval(pos, neg, 1000, 1), "same seed, same interval");
        Claim inside = Claim.aurocAtLeast("q", PAPER, pos, neg, auc);
        assertEquals(Verdict.PASS, inside.verdict());
        assertEquals(Verdict.PASS_WITHIN_INTERVAL, Claim.aurocAtLeast("q", PAPER, pos, neg, (auc + ci[1]) / 2).verdict());
        assertEquals(Verdict.FAIL, Claim.aurocAtLeast("q", PAPER, pos, neg, ci[1] + 0.01).verdict());
        assertEquals(500, inside.n());
    }

    @Test
    void anExplainedFailureIsAKnownDifferenceAndAPassStaysAPass() {
        Claim failing = Claim.rateAtMost("q", PAPER, 0.3683, 10_000, 0.20).explainedIn("docs/known-differences.md#fgsm-on-mnist");
        assertEquals(Verdict.KNOWN_DIFFERENCE, failing.verdict());
        assertEquals("known difference, see docs/known-differences.md#fgsm-on-mnist", failing.verdictText());
        Claim passing = Claim.rateAtMost("q", PAPER, 0.1888, 10_000, 0.20).explainedIn("docs/known-differences.md#fgsm-on-mnist");
        assertEquals(Verdict.PASS, passing.verdict());
        assertEquals("pass", passing.verdictText());
    }

    @Test
    void noSamplesIsAFailureNotAPass() {
        assertEquals(Verdict.FAIL, Claim.rateAtLeast("q", PAPER, Double.NaN, 0, 0.9).verdict());
        assertEquals(Verdict.FAIL, Claim.aurocAtLeast("q", PAPER, new double[0], new double[]{1}, 0.9).verdict());
    }

    @Test
    void theTableKeepsPublishedPeerAndTargetApart() {
        List<Claim> claims = List.of(
                Claim.rateAtMost("accuracy under FGSM", Basis.unpublished("≤ 20%: a peer's level").peer("20.88%, PyTorch 2.13"), 0.3683, 10_000, 0.20),
                Claim.rateAtLeast("JSMA-Z success", PAPER, 0.95, 900, 0.90),
                Claim.reported("logit norm", Basis.paper("5.8", "[1] follow-up"), "55.5", 100));
        Table t = Claim.table(claims);
        assertEquals(List.of("quantity", "published", "peer measurement", "our target", "this run", "95% interval", "N", "tolerance", "verdict"),
                t.columnNames());
        assertEquals("–", t.stringColumn("published").get(0));
        assertEquals("20.88%, PyTorch 2.13", t.stringColumn("peer measurement").get(0));
        assertEquals("≤ 20%: a peer's level", t.stringColumn("our target").get(0));
        assertEquals("97% ([5])", t.stringColumn("published").get(1));
        assertEquals("", t.stringColumn("our target").get(1));
        assertEquals("10,000", t.stringColumn("N").get(0));
        assertEquals("FAIL", t.stringColumn("verdict").get(0));
        assertEquals("reported", t.stringColumn("verdict").get(2));
    }
}
