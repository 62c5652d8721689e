package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The checks every attack makes on its inputs and parameters, in one place; each failure names the parameter. */
public final class AttackInputs {
    private AttackInputs() {
    }

    public static void validate(Classifier model, INDArray x, int[] labels, int[] targets) {
        requireImages("x", x, model);
        if (labels == null || labels.length != x.size(0)) {
            throw new IllegalArgumentException("labels must hold one class per input: " + (labels == null ? "null" : labels.length)
                    + " labels for a batch of " + x.size(0));
        }
        checkClasses("labels", labels, model.classes());
        if (targets != null) {
            if (targets.length != labels.length) {
                throw new IllegalArgumentException("targets must hold one class per input: " + targets.length + " for a batch of " + labels.length);
            }
            checkClasses("targets", targets, model.classes());
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] == labels[i]) {
                    throw new IllegalArgumentException("targets[" + i + "] equals the true label " + labels[i] + ": a target must be another class");
                }
            }
        }
    }

    /** A batch of the model's input shape, finite, with values in [0, 1]; failures name {@code parameter}. */
    public static void requireImages(String parameter, INDArray x, Classifier model) {
        Tensors.requireBatch(parameter, x, model.inputShape());
        double min = x.minNumber().doubleValue();
        double max = x.maxNumber().doubleValue();
        if (min < 0 || max > 1) {
            throw new IllegalArgumentException(parameter + " must lie in [0, 1], got values in [" + min + ", " + max + "]");
        }
    }

    private static void checkClasses(String name, int[] c, int classes) {
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0 || c[i] >= classes) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + c[i] + ", expected 0.." + (classes - 1));
            }
        }
    }

    /** A parameter that must be a finite number in [lo, hi] (or (lo, hi] when {@code openLow}). */
    public static double inRange(String name, double v, double lo, double hi, boolean openLow) {
        if (Double.isNaN(v) || Double.isInfinite(v) || (openLow ? v <= lo : v < lo) || v > hi) {
            throw new IllegalArgumentException(name + " must be in " + (openLow ? "(" : "[") + lo + ", " + hi + "], got " + v);
        }
        return v;
    }

    public static int positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be ≥ 1, got " + v);
        }
        return v;
    }
}
