package io.github.ark4j.viz;

import io.github.ark4j.util.NotebookKernel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rich output for notebooks, the same under the rapaio, IJava and JJava kernels: one MIME bundle is published through
 * the kernel's own display API ({@link NotebookKernel}, no compile-time dependency on any kernel). Outside
 * a kernel (plain JVM, tests, `ark4j reproduce`) the text/plain part is printed. Call it qualified ({@code Nb.chart(c)}):
 * a static import would clash with the kernels' own {@code display}.
 */
public final class Nb {

    private Nb() {
    }

    /** Publishes a MIME bundle (mime type → payload; images base64); outside a kernel, prints its text/plain part. */
    public static void display(Map<String, String> bundle) {
        Optional<NotebookKernel> kernel = NotebookKernel.current();
        if (kernel.isPresent()) {
            try {
                kernel.get().display(bundle);
                return;
            } catch (ReflectiveOperationException e) {
                // a kernel whose display API differs: its text form below is still readable
            }
        }
        System.out.println(bundle.getOrDefault("text/plain", ""));
    }

    /** An image as image/png. */
    public static void image(BufferedImage img) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("image/png", Base64.getEncoder().encodeToString(png(img)));
        b.put("text/plain", "<image " + img.getWidth() + "x" + img.getHeight() + ">");
        display(b);
    }

    /** An XChart chart as image/png. */
    public static void chart(Chart<?, ?> chart) {
        image(BitmapEncoder.getBufferedImage(chart));
    }

    /** A Tablesaw table as an HTML table plus its text form. */
    public static void table(Table t) {
        table(t, 50);
    }

    public static void table(Table t, int maxRows) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("text/html", Tables.html(t, maxRows));
        b.put("text/plain", t.rowCount() > maxRows ? t.first(maxRows).printAll() + "\n… " + t.rowCount() + " rows" : t.printAll());
        display(b);
    }

    /** HTML with a plain-text fallback. */
    public static void html(String html) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("text/html", html);
        b.put("text/plain", html.replaceAll("<[^>]+>", ""));
        display(b);
    }

    /** Markdown with itself as the plain-text fallback. */
    public static void markdown(String md) {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("text/markdown", md);
        b.put("text/plain", md);
        display(b);
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(img, "png", bos);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
