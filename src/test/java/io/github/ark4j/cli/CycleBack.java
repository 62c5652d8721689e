package io.github.ark4j.cli;

import io.github.ark4j.util.LayerViolation;

/** The other half of a package cycle for the architecture test's own test (with {@link LayerViolation}). */
public final class CycleBack {
    private CycleBack() {
    }

    public static Object back() {
        return LayerViolation.class;
    }
}
