package io.github.ark4j.util;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Runs a computation over and over while another thread asks for a full garbage collection every 10 ms, for tests of
 * code that reads or writes an array's native memory by address: an array collected mid-call has its memory freed
 * while still in use, which shows up as a wrong result (another array's values) or a crash.
 */
public final class UnderCollection {
    /** How many calls ran and how many of them gave a wrong result. */
    public record Outcome(long calls, long wrong) {
    }

    private UnderCollection() {
    }

    /** Calls {@code correct} until {@code duration} has passed; it computes once and says whether the result is right. */
    public static Outcome run(Duration duration, BooleanSupplier correct) {
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "collector");
        collector.setDaemon(true);
        collector.start();
        long calls = 0;
        long wrong = 0;
        long end = System.nanoTime() + duration.toNanos();
        try {
            while (System.nanoTime() < end) {
                calls++;
                if (!correct.getAsBoolean()) {
                    wrong++;
                }
            }
        } finally {
            collector.interrupt();
        }
        return new Outcome(calls, wrong);
    }
}
