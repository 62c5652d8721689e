package io.github.ark4j.cli;

import java.util.Locale;

/** Range checks of numeric options, run before any work: the message names the option, the range and the value. */
final class Ranges {
    private Ranges() {
    }

    static void check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be between %d and %d, got %d", option, min, max, value));
        }
    }

    static void check(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be between %s and %s, got %s", option, num(min), num(max), num(value)));
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
