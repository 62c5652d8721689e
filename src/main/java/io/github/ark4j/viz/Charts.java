package io.github.ark4j.viz;

import io.github.ark4j.util.AtomicFiles;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The few chart shapes the experiments draw, with one look, and PNG files written atomically. */
public final class Charts {
    private Charts() {
    }

    /** An empty line chart with titles, 640x400, legend inside. */
    public static XYChart line(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    /** A bar chart of one series over categories. */
    public static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories, List<? extends Number> values, String series) {
        CategoryChart c = new CategoryChartBuilder().width(640).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.addSeries(series, categories, values);
        return c;
    }

    /** Writes the chart as PNG to a temporary file and moves it into place. */
    public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }
}
