package io.github.ark4j.util;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Progress of long work (batches of an epoch, attack batches, mutants), shown where the user looks: in a notebook,
 * one output updated in place (a bar and its numbers); in a terminal, a live bar on standard error; when output is
 * redirected (logs, CI), a plain line now and then. Nothing when {@code -Dark4j.quiet=true} (tests). Summary lines
 * go through {@link #log}. Safe to step from several threads.
 */
public final class Progress implements AutoCloseable {
    /** How often a notebook's progress output is replaced: often enough to look live, rarely enough to cost nothing. */
    private static final long NOTEBOOK_INTERVAL_NANOS = 500_000_000L;
    /** A notebook shows a bar only for work that lasts longer than this: a bar per short epoch would bury the cell. */
    private static final long NOTEBOOK_SHOW_AFTER_NANOS = 1_000_000_000L;
    /** How often a redirected run prints a progress line, so a log stays readable. */
    private static final long LINE_INTERVAL_NANOS = 30_000_000_000L;

    private enum Mode {QUIET, NOTEBOOK, TERMINAL, LINES}

    private final Mode mode;
    private final String task;
    private final String unit;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final ProgressBar bar;
    private final NotebookKernel kernel;
    private String displayId;
    /** The kernel refused a display or an update: progress goes on as plain lines on standard output. */
    private boolean plainLines;
    private long done;
    private String extra;
    private long shownNanos = startNanos;

    private Progress(Mode mode, String task, long total, String unit, ProgressBar bar, NotebookKernel kernel) {
        this.mode = mode;
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.bar = bar;
        this.kernel = kernel;
    }

    public static boolean quiet() {
        return Boolean.getBoolean("ark4j.quiet");
    }

    /** Progress over {@code total} steps of {@code unit}. */
    public static Progress start(String task, long total, String unit) {
        if (quiet()) {
            return new Progress(Mode.QUIET, task, total, unit, null, null);
        }
        Optional<NotebookKernel> kernel = NotebookKernel.current();
        if (kernel.isPresent()) {
            return new Progress(Mode.NOTEBOOK, task, total, unit, null, kernel.get());
        }
        if (System.console() != null) {
            return new Progress(Mode.TERMINAL, task, total, unit, new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setUnit(" " + unit, 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed()
                    .setMaxRenderedLength(100).build(), null);
        }
        return new Progress(Mode.LINES, task, total, unit, null, null);
    }

    /** {@code n} more steps done; {@code extra} (may be null) is shown beside the count, e.g. the running loss. */
    public synchronized void step(long n, String extra) {
        done += n;
        if (extra != null) {
            this.extra = extra;
        }
        switch (mode) {
            case TERMINAL -> {
                bar.stepBy(n);
                if (extra != null) {
                    bar.setExtraMessage(extra);
                }
            }
            case NOTEBOOK -> {
                long now = System.nanoTime();
                if (displayId == null && !plainLines ? now - startNanos >= NOTEBOOK_SHOW_AFTER_NANOS
                        : now - shownNanos >= (plainLines ? LINE_INTERVAL_NANOS : NOTEBOOK_INTERVAL_NANOS)) {
                    show(false);
                }
            }
            case LINES -> {
                if (System.nanoTime() - shownNanos >= LINE_INTERVAL_NANOS) {
                    show(false);
                }
            }
            case QUIET -> {
            }
        }
    }

    @Override
    public synchronized void close() {
        switch (mode) {
            case TERMINAL -> bar.close();
            case NOTEBOOK -> {
                // work too short for a bar shows nothing: its caller's summary line says what was done
                if (displayId != null || plainLines) {
                    show(true);
                }
            }
            case LINES -> show(true);
            case QUIET -> {
            }
        }
    }

    private void show(boolean finished) {
        shownNanos = System.nanoTime();
        if (mode == Mode.NOTEBOOK) {
            if (!plainLines) {
                try {
                    if (displayId == null) {
                        displayId = kernel.display(bundle(finished));
                    } else {
                        kernel.update(displayId, bundle(finished));
                    }
                    return;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a kernel whose display API differs, or that no longer takes updates (its cell ended)
                    plainLines = true;
                }
            }
            System.out.println(line(finished));
        } else {
            System.err.println(line(finished));
        }
    }

    /** The progress as text: task, count, share, speed, time left or taken, and the extra message. */
    String line(boolean finished) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        StringBuilder s = new StringBuilder(task).append(": ").append(done);
        if (total > 0) {
            s.append('/').append(total);
        }
        s.append(' ').append(unit);
        if (total > 0 && !finished) {
            s.append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total));
        }
        if (secs > 0 && done > 0) {
            s.append(String.format(Locale.ROOT, ", %.1f %s/s", done / secs, unit));
        }
        if (finished) {
            s.append(", ").append(duration(secs));
        } else if (total > 0 && done > 0 && done < total) {
            s.append(", ").append(duration(secs * (total - done) / done)).append(" left");
        }
        if (extra != null && !extra.isEmpty()) {
            s.append(", ").append(extra);
        }
        return s.toString();
    }

    private Map<String, String> bundle(boolean finished) {
        String text = line(finished);
        Map<String, String> b = new LinkedHashMap<>();
        b.put("text/html", "<div><progress value=\"" + (total > 0 ? done : 0) + "\" max=\"" + Math.max(total, 1)
                + "\" style=\"width:16em;vertical-align:middle\"></progress> <code>" + escape(text) + "</code></div>");
        b.put("text/plain", text);
        return b;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String duration(double secs) {
        long s = Math.round(secs);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d:%02d min", s / 60, s % 60);
    }

    /**
     * A line for the user, unless quiet: in a notebook on standard output (informational, not shown as an error),
     * elsewhere on standard error (so that a command's standard output holds only its results).
     */
    public static void log(String line) {
        if (quiet()) {
            return;
        }
        if (NotebookKernel.current().isPresent()) {
            System.out.println(line);
        } else {
            System.err.println(line);
        }
    }
}
