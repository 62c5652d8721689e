package io.github.ark4j.util;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Jupyter kernel that hosts this JVM, if any, and its display channel: MIME bundles are published as
 * {@code display_data} and replaced in place ({@code update_display_data}) through the kernel's own API. The kernel
 * is found by reflection, so the kit depends on no kernel at compile time; rapaio-jupyter-kernel, IJava and JJava
 * are supported. The lookup goes through this class's own loader as well as the thread's, so it also works on
 * worker threads (the common fork-join pool) whose context loader does not see the kernel's classes.
 */
public final class NotebookKernel {

    /** The kernels the kit can talk to. */
    private enum Kind {RAPAIO, IJAVA, JJAVA}

    private static final String IJAVA_DATA = "io.github.spencerpark.jupyter.kernel.display.DisplayData";
    private static final String JJAVA_DATA = "org.dflib.jjava.jupyter.kernel.display.DisplayData";
    private static final String RAPAIO_DATA = "org.rapaio.jupyter.kernel.display.DisplayData";

    private final Kind kind;
    private final Object kernel;

    private NotebookKernel(Kind kind, Object kernel) {
        this.kind = kind;
        this.kernel = kernel;
    }

    /** The hosting kernel, or empty in a plain JVM (tests, the command line). */
    public static Optional<NotebookKernel> current() {
        try {
            Class<?> base = load("org.dflib.jjava.jupyter.kernel.BaseKernel");
            Object k = base == null ? null : base.getMethod("notebookKernel").invoke(null);
            if (k == null) {
                Class<?> jjava = load("org.dflib.jjava.JJava");
                k = jjava == null ? null : jjava.getMethod("getKernelInstance").invoke(null);
            }
            if (k != null) {
                return Optional.of(new NotebookKernel(Kind.JJAVA, k));
            }
            Class<?> ijava = load("io.github.spencerpark.ijava.IJava");
            k = ijava == null ? null : ijava.getMethod("getKernelInstance").invoke(null);
            if (k != null) {
                return Optional.of(new NotebookKernel(Kind.IJAVA, k));
            }
            Class<?> rapaio = load("org.rapaio.jupyter.kernel.MainApp");
            k = rapaio == null ? null : rapaio.getField("kernel").get(null);
            if (k != null) {
                return Optional.of(new NotebookKernel(Kind.RAPAIO, k));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Publishes a MIME bundle (mime type → payload; images base64) under a new display id and returns the id, for
     * {@link #update}.
     */
    public String display(Map<String, String> bundle) throws ReflectiveOperationException {
        String id = UUID.randomUUID().toString();
        Object data = data(bundle, id);
        Class<?> type = data.getClass();
        kernel.getClass().getMethod("display", type).invoke(kernel, data);
        return id;
    }

    /** Replaces, in the notebook, the output published under {@code id} with a new bundle. */
    public void update(String id, Map<String, String> bundle) throws ReflectiveOperationException {
        Object data = data(bundle, id);
        Class<?> type = data.getClass();
        if (kind == Kind.RAPAIO) {
            kernel.getClass().getMethod("updateDisplay", type).invoke(kernel, data);
        } else {
            Object io = kernel.getClass().getMethod("getIO").invoke(kernel);
            Object stream = io.getClass().getField("display").get(io);
            stream.getClass().getMethod("updateDisplay", String.class, type).invoke(stream, id, data);
        }
    }

    private Object data(Map<String, String> bundle, String id) throws ReflectiveOperationException {
        Class<?> dd = load(switch (kind) {
            case RAPAIO -> RAPAIO_DATA;
            case IJAVA -> IJAVA_DATA;
            case JJAVA -> JJAVA_DATA;
        });
        if (dd == null) {
            throw new ClassNotFoundException("the " + kind + " kernel's DisplayData");
        }
        // rapaio's DisplayData has no public constructor, only factories
        Object d = kind == Kind.RAPAIO ? dd.getMethod("fromText", String.class).invoke(null, bundle.getOrDefault("text/plain", ""))
                : dd.getConstructor().newInstance();
        Method put = dd.getMethod("putData", String.class, Object.class);
        for (Map.Entry<String, String> e : bundle.entrySet()) {
            put.invoke(d, e.getKey(), e.getValue());
        }
        dd.getMethod("setDisplayId", String.class).invoke(d, id);
        return d;
    }

    /** A class from the thread's context loader, this class's loader or the system loader; null if absent. */
    private static Class<?> load(String name) {
        for (ClassLoader cl : new ClassLoader[]{Thread.currentThread().getContextClassLoader(),
                NotebookKernel.class.getClassLoader(), ClassLoader.getSystemClassLoader()}) {
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
}
