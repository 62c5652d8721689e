package io.github.ark4j.viz;

import io.github.ark4j.util.AtomicFiles;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Tablesaw tables as HTML (tablesaw-core has no HTML writer) and as CSV files written atomically. */
public final class Tables {
    private Tables() {
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
