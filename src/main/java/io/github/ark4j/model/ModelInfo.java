package io.github.ark4j.model;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;

/**
 * What a saved model carries besides its weights: how it was made and how good it is.
 *
 * @param training    the canonical training configuration ({@link TrainingConfig#canonical()})
 * @param dataset     the training data's name (which split, how many images, from where)
 * @param epochsDone  epochs completed (less than configured in a checkpoint)
 * @param testAccuracy accuracy on the test split, NaN if not measured
 * @param extra       free-form provenance, e.g. the teacher of a distilled model
 */
public record ModelInfo(Architecture architecture, String training, String dataset, double temperature, long seed,
                        int epochsDone, double testAccuracy, String libraryVersion, String extra) {

    public static final String LIBRARY_VERSION = "ark4j 0.1.0 / deeplearning4j-nn 1.0.0-M2.1";

    public static ModelInfo of(TrainingConfig c, String dataset, int epochsDone, double testAccuracy, String extra) {
        return new ModelInfo(c.architecture(), c.canonical(), dataset, c.temperature(), c.seed(), epochsDone, testAccuracy, LIBRARY_VERSION, extra);
    }

    public ModelInfo withTestAccuracy(double acc) {
        return new ModelInfo(architecture, training, dataset, temperature, seed, epochsDone, acc, libraryVersion, extra);
    }

    String toProperties() {
        Properties p = new Properties();
        p.setProperty("format", "ark4j-model-1");
        p.setProperty("architecture", architecture.name());
        p.setProperty("training", training);
        p.setProperty("dataset", dataset);
        p.setProperty("temperature", Double.toString(temperature));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("epochsDone", Integer.toString(epochsDone));
        p.setProperty("testAccuracy", Double.toString(testAccuracy));
        p.setProperty("libraryVersion", libraryVersion);
        p.setProperty("extra", extra == null ? "" : extra);
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Properties.store opens with the time of writing: left out, so that one model's files are equal byte for byte
        return "#ark4j model metadata\n" + w.toString().lines().filter(l -> !l.startsWith("#")).sorted()
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    static ModelInfo fromProperties(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        if (!"ark4j-model-1".equals(p.getProperty("format"))) {
            throw new IOException("unknown metadata format '" + p.getProperty("format") + "', expected ark4j-model-1");
        }
        try {
            return new ModelInfo(Architecture.valueOf(p.getProperty("architecture")), p.getProperty("training"), p.getProperty("dataset"),
                    Double.parseDouble(p.getProperty("temperature")), Long.parseLong(p.getProperty("seed")),
                    Integer.parseInt(p.getProperty("epochsDone")), Double.parseDouble(p.getProperty("testAccuracy")),
                    p.getProperty("libraryVersion"), p.getProperty("extra"));
        } catch (RuntimeException e) {
            throw new IOException("malformed metadata: " + e.getMessage(), e);
        }
    }
}
