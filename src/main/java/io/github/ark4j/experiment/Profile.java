package io.github.ark4j.experiment;

import io.github.ark4j.engine.Engine;

import io.github.ark4j.data.DataFormatException;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.defense.DefensiveDistillation;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;

import java.io.IOException;
import java.util.Locale;

/**
 * How big an experiment runs, chosen by one switch: {@code -Dark4j.profile=quick|full} or {@code ARK4J_PROFILE}.
 * QUICK (the default) uses the first 6,000 MNIST training and 1,000 test images (exactly the embedded subset, also when
 * full data is configured), the first 10,000 and 1,000 CIFAR-10 images, few epochs and small attack sets: minutes on
 * 2 cores. FULL uses the full datasets and the settings below: hours.
 */
public enum Profile {
    QUICK(new Sizes(6_000, 1_000, 8, 8, 100), new Sizes(10_000, 1_000, 5, 5, 30), 2, new double[]{1, 20, 100}, new double[]{20, 100}, 50),
    FULL(new Sizes(Integer.MAX_VALUE, Integer.MAX_VALUE, 10, 5, 1_000), new Sizes(Integer.MAX_VALUE, Integer.MAX_VALUE, 50, 10, 1_000), 10,
            new double[]{1, 2, 5, 10, 20, 30, 40, 50, 100}, new double[]{1, 2, 5, 10, 20, 30, 40, 50, 100}, 500);

    /**
     * How much of one dataset a profile uses: the first {@code trainImages} and {@code testImages} images, the epochs of
     * its Papernot net and of each distillation teacher and student, and the samples each attack experiment uses.
     */
    public record Sizes(int trainImages, int testImages, int epochs, int distillationEpochs, int attackSamples) {
    }

    private final Sizes mnist;
    private final Sizes cifar10;
    private final int jsmaSeedsPerClass;
    private final double[] temperatures;
    private final double[] cifarTemperatures;
    private final int mutants;
    private static final int QUICK_CIFAR10_MUTANTS = 30;
    /** The smallest resident-memory limit the full profile accepts (the launcher gives it 8 GB). */
    private static final long FULL_PROFILE_MIN_BYTES = 6L << 30;

    Profile(Sizes mnist, Sizes cifar10, int jsmaSeedsPerClass, double[] temperatures, double[] cifarTemperatures, int mutants) {
        this.mnist = mnist;
        this.cifar10 = cifar10;
        this.jsmaSeedsPerClass = jsmaSeedsPerClass;
        this.temperatures = temperatures;
        this.cifarTemperatures = cifarTemperatures;
        this.mutants = mutants;
    }

    /**
     * The sizes used for a dataset. MNIST: QUICK the first 6,000 training and 1,000 test images, 8 epochs, 100 attacked
     * samples; FULL everything, 10 epochs (99.4%), 5 epochs per distillation model, 1,000 samples. CIFAR-10: QUICK the
     * first 10,000 training and 1,000 test images, 5 epochs, 30 samples (CIFAR attacks cost 4–10x MNIST's per image);
     * FULL everything, the paper's 50 epochs (after 20 it is on a plateau of 74.2–75.3%; the
     * model cache continues a cached shorter run), 10 per distillation model, 1,000 samples.
     */
    public Sizes sizes(Dataset dataset) {
        return dataset == Dataset.MNIST ? mnist : cifar10;
    }

    /**
     * Test images on which a mutant must keep 90% of the original's accuracy to be accepted: 1,000, except 500 for
     * CIFAR-10 on the quick profile, where the filter's forward passes are most of the notebook's time (a CIFAR-10
     * image costs about 6x an MNIST one) and on 500 images the accuracy of the quick net (about 40%) has a standard error of about 2 points.
     */
    public int mutantFilterImages(Dataset dataset) {
        return this == QUICK && dataset == Dataset.CIFAR10 ? 500 : 1_000;
    }

    /**
     * Accepted mutants per operator in the mutation-testing experiments, also the SPRT's limit: FULL the paper's 500;
     * QUICK 50 on MNIST and 30 on CIFAR-10, where each mutant's passes cost about 6x MNIST's and the notebook must stay
     * within minutes.
     */
    public int mutants(Dataset dataset) {
        return this == QUICK && dataset == Dataset.CIFAR10 ? QUICK_CIFAR10_MUTANTS : mutants;
    }

    /**
     * The profile selected by the system property or the environment, QUICK if neither is set. The notebooks' first
     * call, so it also sets the engine's BLAS threads ({@link Engine#useBlasThreads}) as the command line does, and
     * checks the memory limits ({@link #requireMemory}).
     */
    public static Profile current() {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        String v = System.getProperty("ark4j.profile", System.getenv().getOrDefault("ARK4J_PROFILE", "quick"));
        Profile p = fromName(v);
        p.requireMemory();
        return p;
    }

    /**
     * Fails before any work when this JVM's memory limits are too small for the profile: the quick profile runs within
     * 2 GiB resident (the default of {@code ./ark4j} and the kernel), the full one needs up to 8 GB (its CIFAR-10 sets
     * alone are 0.7 GB in float32) and says so instead of running out of memory hours in.
     */
    public void requireMemory() {
        long limit = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        if (this == FULL && limit > 0 && limit < FULL_PROFILE_MIN_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the full profile needs up to 8 GB of memory, and this JVM "
                    + "is limited to %.1f GB (-Dorg.bytedeco.javacpp.maxphysicalbytes): run it with ./ark4j --profile full (or "
                    + "ARK4J_PROFILE=full ./ark4j ...), or in JupyterLab on the kernel that tools/setup-kernel.sh --full installs", limit / 1e9));
        }
    }

    public static Profile fromName(String v) {
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile must be quick or full, got '" + v + "' (ark4j.profile / ARK4J_PROFILE)");
        }
    }

    /** Epochs of the Papernot MNIST net (FULL: 10, 99.2–99.4%, docs/performance.md). */
    public int mnistEpochs() {
        return mnist.epochs();
    }

    /** How many MNIST test samples an attack experiment uses. */
    public int attackSamples() {
        return mnist.attackSamples();
    }

    /** Seed images per class of the JSMA source-target grid (each attacked towards the 9 other classes). */
    public int jsmaSeedsPerClass() {
        return jsmaSeedsPerClass;
    }

    /**
     * Epochs of each MNIST distillation teacher and student (FULL: 5, 99.1% on MNIST, so the 18 models of the sweep take
     * about 70 minutes on 2 cores instead of the paper's 50 epochs each).
     */
    public int distillationEpochs() {
        return mnist.distillationEpochs();
    }

    /**
     * The distillation temperatures. MNIST: QUICK {1, 20, 100}, FULL the paper's 1, 2, 5, 10, 20, 30, 40, 50, 100.
     * CIFAR-10: QUICK {20, 100} (each CIFAR model costs as much as three MNIST ones), FULL the paper's nine.
     */
    public double[] temperatures(Dataset dataset) {
        return (dataset == Dataset.MNIST ? temperatures : cifarTemperatures).clone();
    }

    /** The MNIST temperatures, {@link #temperatures(Dataset)}. */
    public double[] temperatures() {
        return temperatures(Dataset.MNIST);
    }

    /** The training images of a dataset at this profile's size. */
    public LabeledImages train(Dataset dataset) throws DataFormatException {
        return dataset.load(true, sizes(dataset).trainImages());
    }

    /** The test images of a dataset at this profile's size. */
    public LabeledImages test(Dataset dataset) throws DataFormatException {
        return dataset.load(false, sizes(dataset).testImages());
    }

    public LabeledImages mnistTrain() throws DataFormatException {
        return train(Dataset.MNIST);
    }

    public LabeledImages mnistTest() throws DataFormatException {
        return test(Dataset.MNIST);
    }

    /** The Papernot net of a dataset at this profile's size, from the model cache (trained on first use, seed 1, T = 1). */
    public NetworkClassifier papernot(Dataset dataset) throws IOException {
        return ModelUnit.undistilled(this, dataset).undistilled(ModelCache.standard());
    }

    /** The Papernot MNIST net, {@link #papernot(Dataset)}. */
    public NetworkClassifier papernotMnist() throws IOException {
        return papernot(Dataset.MNIST);
    }

    /**
     * The teacher and student Papernot nets distilled at {@code temperature} with this profile's data and epochs (seed 1,
     * shared initialisation), from the model cache: the models of notebooks 03, 04, 05 and their experiments.
     */
    public DefensiveDistillation.Models distilledPapernot(Dataset dataset, double temperature) throws IOException {
        return ModelUnit.distilled(this, dataset, temperature).distilled(ModelCache.standard());
    }

    /** {@link #distilledPapernot(Dataset, double)} on MNIST. */
    public DefensiveDistillation.Models distilledPapernotMnist(double temperature) throws IOException {
        return distilledPapernot(Dataset.MNIST, temperature);
    }

    /** LeNet-5 (Wang et al.'s MNIST model) of this profile from the model cache, trained on first use (seed 1). */
    public NetworkClassifier lenet5() throws IOException {
        return ModelUnit.lenet5(this).undistilled(ModelCache.standard());
    }

    /** A figure's or table's setting: dataset (and whether official), profile, model and sample size. */
    public String caption(Dataset dataset, String model, int samples) {
        return String.format(Locale.ROOT, "%s, %s profile, %s, N = %,d", dataset.describe(), this, model, samples);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
