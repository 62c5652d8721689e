package io.github.ark4j.experiment;

import io.github.ark4j.defense.DefensiveDistillation;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;

import java.io.IOException;
import java.util.Locale;

/**
 * One model of an experiment: an undistilled net of a dataset ({@code temperature} NaN) or the teacher and student
 * distilled at one temperature, on the profile's data with seed 1. The experiments and notebooks get their models
 * through these units ({@link Profile#papernot}, {@link Profile#distilledPapernot}, {@link Profile#lenet5}), so a unit
 * computed elsewhere is the model they would have trained.
 *
 * @param epochs the epochs of the net, or of teacher and student each
 */
public record ModelUnit(Profile profile, Architecture architecture, Dataset dataset, double temperature, int epochs) implements Unit {
    public ModelUnit {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
        }
        if (!Double.isNaN(temperature) && !(temperature > 0 && !Double.isInfinite(temperature))) {
            throw new IllegalArgumentException("temperature: expected a finite number > 0 (or NaN for the undistilled net), got " + temperature);
        }
    }

    /** The undistilled Papernot net of {@code dataset} at the profile's epochs. */
    public static ModelUnit undistilled(Profile profile, Dataset dataset) {
        return new ModelUnit(profile, dataset.papernot(), dataset, Double.NaN, profile.sizes(dataset).epochs());
    }

    /** LeNet-5 on MNIST at the profile's epochs. */
    public static ModelUnit lenet5(Profile profile) {
        return new ModelUnit(profile, Architecture.LENET5, Dataset.MNIST, Double.NaN, profile.sizes(Dataset.MNIST).epochs());
    }

    /** The Papernot teacher and student of {@code dataset} at {@code temperature}, at the profile's distillation epochs. */
    public static ModelUnit distilled(Profile profile, Dataset dataset, double temperature) {
        return new ModelUnit(profile, dataset.papernot(), dataset, temperature, profile.sizes(dataset).distillationEpochs());
    }

    @Override
    public String name() {
        String size = String.format(Locale.ROOT, "%s %s, %d epoch%s", dataset.title(), profile, epochs, epochs == 1 ? "" : "s");
        return Double.isNaN(temperature) ? architecture.cliName() + ", " + size
                : "teacher and student at T=" + TrainingConfig.temperatureText(temperature) + ", " + size;
    }

    @Override
    public void compute(ModelCache cache) throws IOException {
        if (Double.isNaN(temperature)) {
            undistilled(cache);
        } else {
            distilled(cache);
        }
    }

    /** The undistilled net from {@code cache}, trained on a miss. */
    public NetworkClassifier undistilled(ModelCache cache) throws IOException {
        requireDistilled(false);
        TrainingConfig c = TrainingConfig.builder(architecture).epochs(epochs).seed(1).build();
        return cache.getOrTrain(c, profile.train(dataset), profile.test(dataset)).classifier();
    }

    /** The teacher and student from {@code cache}, trained on a miss (shared initialisation). */
    public DefensiveDistillation.Models distilled(ModelCache cache) throws IOException {
        requireDistilled(true);
        return DefensiveDistillation.builder(architecture).temperature(temperature).epochs(epochs).seed(1).cache(cache).build()
                .train(profile.train(dataset), profile.test(dataset));
    }

    private void requireDistilled(boolean distilled) {
        if (distilled == Double.isNaN(temperature)) {
            throw new IllegalStateException(distilled ? "the undistilled unit has no teacher and student" : "a distillation unit has no undistilled net");
        }
    }
}
