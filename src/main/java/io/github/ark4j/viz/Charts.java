package io.github.ark4j.viz;

import io.github.ark4j.perturb.NaturalPerturbation;
import io.github.ark4j.perturb.PerturbationSweep;
import io.github.ark4j.util.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The few chart shapes the experiments draw, with one look, and PNG files written atomically. */
public final class Charts {
    private Charts() {
    }

    /** An empty line chart with titles, 800x420 (room for a title that names its setting), legend inside. */
    public static XYChart line(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    /** A 95% interval around a series: its lower and upper ends as thin dotted lines under one legend entry. */
    public static void band(XYChart c, String name, double[] x, double[] low, double[] high) {
        XYSeries lo = c.addSeries(name, x, low);
        XYSeries hi = c.addSeries(name + " ", x, high);
        java.awt.Color grey = new java.awt.Color(120, 120, 120);
        for (XYSeries s : List.of(lo, hi)) {
            s.setLineStyle(SeriesLines.DOT_DOT);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(grey);
        }
        hi.setShowInLegend(false);
    }

    /** A published value: one point drawn as a large diamond, named in the legend. */
    public static void marker(XYChart c, String name, double x, double y) {
        XYSeries s = c.addSeries(name, new double[]{x}, new double[]{y});
        s.setMarker(SeriesMarkers.DIAMOND);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }

    /** A published value that holds across the x axis: a dashed horizontal line, named in the legend. */
    public static void referenceLine(XYChart c, String name, double xFrom, double xTo, double y) {
        XYSeries s = c.addSeries(name, new double[]{xFrom, xTo}, new double[]{y, y});
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** A bar chart of one series over categories. */
    public static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories, List<? extends Number> values, String series) {
        CategoryChart c = new CategoryChartBuilder().width(800).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.addSeries(series, categories, values);
        return c;
    }

    /**
     * One chart per perturbation of a sweep, in the sweep's order: accuracy against severity, with the unperturbed
     * accuracy as a dashed line.
     */
    public static Map<NaturalPerturbation, XYChart> perturbationSweep(List<PerturbationSweep.Point> points, double cleanAccuracy) {
        Map<NaturalPerturbation, XYChart> charts = new LinkedHashMap<>();
        for (NaturalPerturbation p : points.stream().map(PerturbationSweep.Point::perturbation).distinct().toList()) {
            double[] xs = points.stream().filter(q -> q.perturbation() == p).mapToDouble(PerturbationSweep.Point::severity).toArray();
            double[] ys = points.stream().filter(q -> q.perturbation() == p).mapToDouble(PerturbationSweep.Point::accuracy).toArray();
            XYChart c = line(p.name().toLowerCase(Locale.ROOT).replace('_', ' '), p.unit(), "accuracy");
            c.addSeries("accuracy", xs, ys);
            double lo = Arrays.stream(xs).min().orElse(0);
            double hi = Arrays.stream(xs).max().orElse(1);
            referenceLine(c, "clean", lo, hi, cleanAccuracy);
            c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            charts.put(p, c);
        }
        return charts;
    }

    /** Writes the chart as PNG to a temporary file and moves it into place. */
    public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }
}
