package io.github.ark4j.experiment;

import io.github.ark4j.data.DataFormatException;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.defense.DefensiveDistillation;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;

import java.io.IOException;
import java.util.Locale;

/**
 * How big an experiment runs, chosen by one switch: {@code -Dark4j.profile=quick|full} or {@code ARK4J_PROFILE}.
 * QUICK (the default) uses the first 6,000 training and 1,000 test images (exactly the embedded subset, also when
 * full data is configured), few epochs and small attack sets: minutes on 2 cores. FULL uses the full datasets and
 * the settings of docs/benchmarks.md: hours.
 */
public enum Profile {
    QUICK(6_000, 1_000, 8, 100, 2, 8, new double[]{1, 20, 100}, 50),
    FULL(Integer.MAX_VALUE, Integer.MAX_VALUE, 10, 1_000, 10, 5, new double[]{1, 2, 5, 10, 20, 30, 40, 50, 100}, 500);

    private final int trainImages;
    private final int testImages;
    private final int mnistEpochs;
    private final int attackSamples;
    private final int jsmaSeedsPerClass;
    private final int distillationEpochs;
    private final double[] temperatures;
    private final int mutants;

    Profile(int trainImages, int testImages, int mnistEpochs, int attackSamples, int jsmaSeedsPerClass, int distillationEpochs,
            double[] temperatures, int mutants) {
        this.trainImages = trainImages;
        this.testImages = testImages;
        this.mnistEpochs = mnistEpochs;
        this.attackSamples = attackSamples;
        this.jsmaSeedsPerClass = jsmaSeedsPerClass;
        this.distillationEpochs = distillationEpochs;
        this.temperatures = temperatures;
        this.mutants = mutants;
    }

    /** Accepted mutants per operator in the mutation-testing experiments (QUICK 50, FULL the paper's 500). */
    public int mutants() {
        return mutants;
    }

    /** The profile selected by the system property or the environment, QUICK if neither is set. */
    public static Profile current() {
        String v = System.getProperty("ark4j.profile", System.getenv().getOrDefault("ARK4J_PROFILE", "quick"));
        return fromName(v);
    }

    public static Profile fromName(String v) {
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile must be quick or full, got '" + v + "' (ark4j.profile / ARK4J_PROFILE)");
        }
    }

    /** Epochs of the Papernot MNIST net (FULL: 10, reaching 99.4% in docs/benchmarks.md). */
    public int mnistEpochs() {
        return mnistEpochs;
    }

    /** How many test samples an attack experiment uses. */
    public int attackSamples() {
        return attackSamples;
    }

    /** Seed images per class of the JSMA source-target grid (each attacked towards the 9 other classes). */
    public int jsmaSeedsPerClass() {
        return jsmaSeedsPerClass;
    }

    /**
     * Epochs of each distillation teacher and student (FULL: 5, 99.1% on MNIST, so the 18 models of the sweep take
     * about 70 minutes on 2 cores instead of the paper's 50 epochs each).
     */
    public int distillationEpochs() {
        return distillationEpochs;
    }

    /** The distillation temperatures: QUICK {1, 20, 100}, FULL the paper's 1, 2, 5, 10, 20, 30, 40, 50, 100. */
    public double[] temperatures() {
        return temperatures.clone();
    }

    public LabeledImages mnistTrain() throws DataFormatException {
        return Mnist.load(Mnist.Split.TRAIN).first(trainImages);
    }

    public LabeledImages mnistTest() throws DataFormatException {
        return Mnist.load(Mnist.Split.TEST).first(testImages);
    }

    /** The Papernot MNIST net of this profile from the model cache (trained on first use, seed 1, T = 1). */
    public NetworkClassifier papernotMnist() throws IOException {
        TrainingConfig c = TrainingConfig.builder(Architecture.PAPERNOT_MNIST).epochs(mnistEpochs).seed(1).build();
        return ModelCache.standard().getOrTrain(c, mnistTrain(), mnistTest()).classifier();
    }

    /**
     * The teacher and student Papernot MNIST nets distilled at {@code temperature} with this profile's data and epochs
     * (seed 1, shared initialisation), from the model cache: the models of notebook 03, 05 and their experiments.
     */
    public DefensiveDistillation.Models distilledPapernotMnist(double temperature) throws IOException {
        return DefensiveDistillation.builder(Architecture.PAPERNOT_MNIST).temperature(temperature).epochs(distillationEpochs).seed(1).build()
                .train(mnistTrain(), mnistTest());
    }

    /** LeNet-5 (Wang et al.'s MNIST model) of this profile from the model cache, trained on first use (seed 1). */
    public NetworkClassifier lenet5() throws IOException {
        TrainingConfig c = TrainingConfig.builder(Architecture.LENET5).epochs(mnistEpochs).seed(1).build();
        return ModelCache.standard().getOrTrain(c, mnistTrain(), mnistTest()).classifier();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
