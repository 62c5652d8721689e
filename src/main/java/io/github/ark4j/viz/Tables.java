package io.github.ark4j.viz;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
                sb.append("<td>").append(escape(c.getString(r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (t.rowCount() > rows) {
            sb.append("<p>… ").append(t.rowCount()).append(" rows</p>");
        }
        return sb.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes the table as CSV to a temporary file and moves it into place. */
    public static void writeCsv(Table t, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            t.write().csv(tmp.toFile());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
