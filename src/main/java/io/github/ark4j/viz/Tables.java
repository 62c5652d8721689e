package io.github.ark4j.viz;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.perturb.PerturbationSweep;
import io.github.ark4j.util.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Tablesaw tables as HTML (tablesaw-core has no HTML writer) and as CSV files written atomically, and the library's
 * results (plain records) as tables.
 */
public final class Tables {
    private Tables() {
    }

    /** One row per attack summary, under the caption {@code name}. */
    public static Table attackSummaries(String name, List<AttackResult.Summary> rows) {
        Table t = Table.create(name, StringColumn.create("attack"), IntColumn.create("samples"),
                DoubleColumn.create("success rate"), DoubleColumn.create("mean L0"), DoubleColumn.create("mean L0 share"),
                DoubleColumn.create("mean L2"), DoubleColumn.create("median L2"), DoubleColumn.create("mean Linf"),
                DoubleColumn.create("mean iterations"), DoubleColumn.create("ms per sample"));
        for (AttackResult.Summary r : rows) {
            t.stringColumn(0).append(r.attack());
            t.intColumn(1).append(r.samples());
            double[] values = {r.successRate(), r.meanL0(), r.meanL0Share(), r.meanL2(), r.medianL2(), r.meanLinf(),
                    r.meanIterations(), r.msPerSample()};
            for (int i = 0; i < values.length; i++) {
                t.doubleColumn(2 + i).append(values[i]);
            }
        }
        return t;
    }

    /** The sweep's points (perturbation, unit, severity, accuracy) on {@code images} images. */
    public static Table perturbationSweep(List<PerturbationSweep.Point> points, int images) {
        StringColumn name = StringColumn.create("perturbation");
        StringColumn unit = StringColumn.create("unit");
        DoubleColumn severity = DoubleColumn.create("severity");
        DoubleColumn accuracy = DoubleColumn.create("accuracy");
        for (PerturbationSweep.Point p : points) {
            name.append(p.perturbation().name());
            unit.append(p.perturbation().unit());
            severity.append(p.severity());
            accuracy.append(p.accuracy());
        }
        return Table.create("accuracy under natural perturbations (" + images + " images)", name, unit, severity, accuracy);
    }

    public static String html(Table t, int maxRows) {
        StringBuilder sb = new StringBuilder("<table><caption>").append(escape(t.name())).append("</caption><thead><tr>");
        for (Column<?> c : t.columns()) {
            sb.append("<th>").append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        int rows = Math.min(maxRows, t.rowCount());
        for (int r = 0; r < rows; r++) {
            sb.append("<tr>");
            for (Column<?> c : t.columns()) {
                sb.append("<td>").append(escape(cell(c, r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (t.rowCount() > rows) {
            sb.append("<p>… ").append(t.rowCount()).append(" rows</p>");
        }
        return sb.toString();
    }

    /** The table as a GitHub-flavoured Markdown table (numbers to 4 significant digits). */
    public static String markdown(Table t) {
        StringBuilder sb = new StringBuilder("|");
        for (Column<?> c : t.columns()) {
            sb.append(' ').append(c.name().replace("|", "\\|")).append(" |");
        }
        sb.append("\n|");
        sb.append("---|".repeat(t.columnCount())).append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (Column<?> c : t.columns()) {
                sb.append(' ').append(cell(c, r).replace("|", "\\|")).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A cell as text: numbers to 4 significant digits (integers as they are), missing values empty. */
    static String cell(Column<?> c, int r) {
        if (c.isMissing(r)) {
            return "";
        }
        if (c instanceof NumberColumn<?, ?> n && !(c instanceof IntColumn)) {
            double v = n.getDouble(r);
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
        }
        return c.getString(r);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes the table as CSV to a temporary file and moves it into place. */
    public static void writeCsv(Table t, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> t.write().csv(tmp.toFile()));
    }
}
