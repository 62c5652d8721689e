package io.github.ark4j.experiment;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;

/**
 * One "paper vs this run" line of a reproduction report: the paper's number, ours, the tolerance from docs/papers.md (or
 * the target where the paper's set-up differs from ours) and whether ours is within it.
 *
 * @param quantity  what is measured
 * @param paper     the paper's value as printed (may carry a unit or a source)
 * @param ours      this run's value
 * @param tolerance the accepted range, in words
 * @param pass      whether {@code ours} is within the tolerance
 */
public record Claim(String quantity, String paper, String ours, String tolerance, boolean pass) {

    /** A share (0..1) that must be at least {@code min}. */
    public static Claim shareAtLeast(String quantity, String paper, double ours, double min) {
        return new Claim(quantity, paper, percent(ours), "≥ " + percent(min), ours >= min);
    }

    /** A share (0..1) that must be at most {@code max}. */
    public static Claim shareAtMost(String quantity, String paper, double ours, double max) {
        return new Claim(quantity, paper, percent(ours), "≤ " + percent(max), ours <= max);
    }

    /** A share (0..1) within {@code paper ± points} percentage points. */
    public static Claim shareWithin(String quantity, double paper, double ours, double points) {
        return new Claim(quantity, percent(paper), percent(ours), String.format(Locale.ROOT, "±%.1f points", 100 * points),
                Math.abs(ours - paper) <= points);
    }

    /** Claims as a table: quantity, paper, this run, tolerance, status. */
    public static Table table(List<Claim> claims) {
        return Table.create("paper vs this run",
                StringColumn.create("quantity", claims.stream().map(Claim::quantity).toList()),
                StringColumn.create("paper", claims.stream().map(Claim::paper).toList()),
                StringColumn.create("this run", claims.stream().map(Claim::ours).toList()),
                StringColumn.create("tolerance", claims.stream().map(Claim::tolerance).toList()),
                StringColumn.create("status", claims.stream().map(Claim::status).toList()));
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    String status() {
        return pass ? "pass" : "FAIL";
    }
}
