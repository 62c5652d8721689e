package io.github.ark4j.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Rich output for notebooks, the same under the rapaio, IJava and JJava kernels: the kernel is found by reflection
 * and one MIME bundle is published through its own display API (no compile-time dependency on any kernel). Outside
 * a kernel (plain JVM, tests, `ark4j reproduce`) the text/plain part is printed. Call it qualified ({@code Nb.chart(c)}):
 * a static import would clash with the kernels' own {@code display}.
 */
public final class Nb {

    /** The kernel the code runs in. */
    public enum Kernel {RAPAIO, IJAVA, JJAVA, NONE}

    private Nb() {
    }

    /** Which kernel, if any, hosts this JVM. */
    public static Kernel kernel() {
        try {
            Class<?> base = load("org.dflib.jjava.jupyter.kernel.BaseKernel");
            if (base != null && base.getMethod("notebookKernel").invoke(null) != null) {
                return Kernel.JJAVA;
            }
            Class<?> jjava = load("org.dflib.jjava.JJava");
            if (jjava != null && jjava.getMethod("getKernelInstance").invoke(null) != null) {
                return Kernel.JJAVA;
            }
            Class<?> ijava = load("io.github.spencerpark.ijava.IJava");
            if (ijava != null && ijava.getMethod("getKernelInstance").invoke(null) != null) {
                return Kernel.IJAVA;
            }
            Class<?> rapaio = load("org.rapaio.jupyter.kernel.MainApp");
            if (rapaio != null && rapaio.getField("kernel").get(null) != null) {
                return Kernel.RAPAIO;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Kernel.NONE;
        }
        return Kernel.NONE;
    }

    /** Publishes a MIME bundle (mime type → payload; images base64). */
    public static void display(Map<String, String> bundle) {
        try {
            switch (kernel()) {
                case RAPAIO -> {
                    Class<?> dd = load("org.rapaio.jupyter.kernel.display.DisplayData");
                    Object d = dd.getMethod("fromText", String.class).invoke(null, bundle.getOrDefault("text/plain", ""));
                    Method put = dd.getMethod("putData", String.class, Object.class);
                    for (Map.Entry<String, String> e : bundle.entrySet()) {
                        put.invoke(d, e.getKey(), e.getValue());
                    }
                    dd.getMethod("setDisplayId", String.class).invoke(d, UUID.randomUUID().toString());
                    Object k = load("org.rapaio.jupyter.kernel.MainApp").getField("kernel").get(null);
                    k.getClass().getMethod("display", dd).invoke(k, d);
                }
                case IJAVA -> publish(load("io.github.spencerpark.ijava.IJava").getMethod("getKernelInstance").invoke(null),
                        "io.github.spencerpark.jupyter.kernel.display.DisplayData", bundle);
                case JJAVA -> publish(jjavaKernel(), "org.dflib.jjava.jupyter.kernel.display.DisplayData", bundle);
                case NONE -> System.out.println(bundle.getOrDefault("text/plain", ""));
            }
        } catch (ReflectiveOperationException e) {
            System.out.println(bundle.getOrDefault("text/plain", ""));
        }
    }

    private static Object jjavaKernel() throws ReflectiveOperationException {
        Class<?> base = load("org.dflib.jjava.jupyter.kernel.BaseKernel");
        Object k = base == null ? null : base.getMethod("notebookKernel").invoke(null);
        return k != null ? k : load("org.dflib.jjava.JJava").getMethod("getKernelInstance").invoke(null);
    }

    private static void publish(Object kernel, String ddClass, Map<String, String> bundle) throws ReflectiveOperationException {
        Class<?> dd = load(ddClass);
        Object d = dd.getConstructor().newInstance();
        Method put = dd.getMethod("putData", String.class, Object.class);
        for (Map.Entry<String, String> e : bundle.entrySet()) {
            put.invoke(d, e.getKey(), e.getValue());
        }
        kernel.getClass().getMethod("display", dd).invoke(kernel, d);
    }

    /** A class from the thread context loader, this class's loader or the system loader; null if absent. */
    private static Class<?> load(String name) {
        for (ClassLoader cl : new ClassLoader[]{Thread.currentThread().getContextClassLoader(), Nb.class.getClassLoader(), ClassLoader.getSystemClassLoader()}) {
            if (cl == null) {
                continue;
            }
            try {
                return Class.forName(name, true, cl);
            } catch (ClassNotFoundException | LinkageError ignored) {
                // try the next loader
            }
        }
        return null;
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
