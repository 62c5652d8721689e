package io.github.ark4j.util;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work (batches of an epoch, attack batches, mutants) on standard error: a live bar in a terminal
 * or a notebook, nothing when {@code -Dark4j.quiet=true} (tests). Summary lines go through {@link #log}.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    public static boolean quiet() {
        return Boolean.getBoolean("ark4j.quiet");
    }

    /** A bar for {@code total} steps of {@code unit}. */
    public static Progress start(String task, long total, String unit) {
        if (quiet()) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed().setMaxRenderedLength(100).build());
    }

    public void step(long n, String extra) {
        if (bar != null) {
            bar.stepBy(n);
            if (extra != null) {
                bar.setExtraMessage(extra);
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** A line on standard error, unless quiet. */
    public static void log(String line) {
        if (!quiet()) {
            System.err.println(line);
        }
    }
}
