package io.github.ark4j.experiment;

import io.github.ark4j.viz.Nb;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One paper's experiment, run headless by {@code ark4j reproduce} and shown step by step in its notebook. */
public interface Experiment {
    /** Short name: the folder under results/ and the value of {@code --only}. */
    String name();

    /** The paper (docs/papers.md reference) and what is reproduced. */
    String title();

    /** The dataset the experiment needs; {@code ark4j reproduce} skips the experiment when the data root lacks it. */
    default Dataset dataset() {
        return Dataset.MNIST;
    }

    /** Runs the experiment at the profile's size. */
    Outcome run(Profile profile) throws IOException;

    /**
     * The independent units of this experiment's work at the profile's size, which {@code reproduce --master} computes on
     * a cluster before {@link #run}; none by default (the experiment computes everything in {@link #run}).
     */
    default List<Unit> units(Profile profile) {
        return List.of();
    }

    /** Claims (paper vs this run), tables, figures and free-text notes, in the order they are reported. */
    record Outcome(List<Claim> claims, Map<String, Table> tables, Map<String, Chart<?, ?>> charts,
                   Map<String, BufferedImage> images, List<String> notes) {
        public Outcome {
            claims = List.copyOf(claims);
            tables = new LinkedHashMap<>(tables);
            charts = new LinkedHashMap<>(charts);
            images = new LinkedHashMap<>(images);
            notes = List.copyOf(notes);
        }

        /** Shows everything in a notebook (or prints it outside one): claims, notes, figures, tables. */
        public void display() {
            Nb.table(Claim.table(claims));
            notes.forEach(Nb::markdown);
            charts.values().forEach(Nb::chart);
            images.values().forEach(Nb::image);
            tables.values().forEach(t -> Nb.table(t, 100));
        }
    }
}
