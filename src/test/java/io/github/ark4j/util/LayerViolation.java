package io.github.ark4j.util;

import io.github.ark4j.cli.CycleBack;
import org.knowm.xchart.XYChart;

/** What the architecture test must reject, for its own test: a util class that draws a chart and calls the CLI. */
public final class LayerViolation {
    private LayerViolation() {
    }

    static XYChart chart() {
        return new XYChart(10, 10);
    }

    static Object cli() {
        return CycleBack.back();
    }
}
