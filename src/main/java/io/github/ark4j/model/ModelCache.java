package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.Sha256;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Trained models kept on disk, keyed by everything that determines them (training configuration, training data
 * fingerprint, provenance such as a distillation teacher), so notebooks and the command line reuse a model instead
 * of retraining it. Location: {@code -Dark4j.cache}, else {@code ARK4J_CACHE}, else {@code ~/.cache/ark4j}.
 * An interrupted training resumes from the checkpoint kept beside the model, and a longer run of a cached configuration
 * (only the epochs differ) continues the longest cached shorter run instead of starting again: the trainer's seeding
 * makes that the same network bit for bit as training from scratch.
 *
 * <p>A cache may also start from models the project ships ({@link #shippedDirectory()}): on a miss, a file of the same
 * name there — a trained model, or the checkpoint of a training still under way — is copied into the cache first.
 * The full profile's CIFAR-10 net takes 1.5–2.5 hours to train on 2 cores; a student should not have to.
 */
public final class ModelCache {
    private final Path directory;
    /** Models the project ships, or null. */
    private final Path shipped;

    public ModelCache(Path directory) {
        this(directory, null);
    }

    /** A cache in {@code directory} that starts from the models and checkpoints in {@code shipped} (may be null). */
    public ModelCache(Path directory, Path shipped) {
        this.directory = directory;
        this.shipped = shipped;
    }

    /** The cache at its configured location, starting from the project's shipped models. */
    public static ModelCache standard() {
        return new ModelCache(defaultDirectory(), shippedDirectory());
    }

    /** The project's {@code models/} folder (searched in the working directory and its parent, as {@code data/} is). */
    public static Path shippedDirectory() {
        Path here = Paths.get("models");
        Path parent = Paths.get("..", "models");
        return Files.isDirectory(here) || !Files.isDirectory(parent) ? here : parent.normalize();
    }

    public static Path defaultDirectory() {
        String p = System.getProperty("ark4j.cache");
        if (p != null && !p.isBlank()) {
            return Paths.get(p);
        }
        String e = System.getenv("ARK4J_CACHE");
        if (e != null && !e.isBlank()) {
            return Paths.get(e);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "ark4j");
    }

    public Path directory() {
        return directory;
    }

    /** The file a model trained this way on this data lives in. */
    public Path pathFor(TrainingConfig config, String dataFingerprint, String extra) {
        String key = Sha256.of(config.canonical() + "|" + dataFingerprint + "|" + extra).substring(0, 16);
        return directory.resolve(String.format(Locale.ROOT, "%s-T%s-e%d-%s.zip", config.architecture().cliName(),
                fmt(config.temperature()), config.epochs(), key));
    }

    /** The cached model for this configuration and data, trained (with progress and checkpoints) if absent. */
    public ModelFile.Loaded getOrTrain(TrainingConfig config, LabeledImages train, LabeledImages test) throws IOException {
        return getOrTrain(config, train.features(), train::oneHot, train.name(), train.fingerprint(), test, "");
    }

    /**
     * The cached model trained on arbitrary (possibly soft) labels, trained if absent.
     *
     * @param labels  computes the [n, classes] labels, only on a cache miss (soft labels cost a pass over the data)
     * @param dataKey identifies features and labels (e.g. the training set's fingerprint and the teacher's file)
     * @param extra   provenance recorded in the model's metadata and in the cache key
     */
    public ModelFile.Loaded getOrTrain(TrainingConfig config, INDArray features, Supplier<INDArray> labels, String datasetName, String dataKey,
                                       LabeledImages test, String extra) throws IOException {
        Path file = pathFor(config, dataKey, extra);
        copyShipped(file);
        if (Files.exists(file)) {
            try {
                ModelFile.Loaded cached = ModelFile.load(file);
                Progress.log("ark4j: using cached model " + file);
                return cached;
            } catch (IOException e) {
                ModelFile.moveAside(file, e);
            }
        }
        Progress.log("ark4j: training " + config + (extra.isEmpty() ? "" : " (" + extra + ")") + " on " + datasetName
                + " (cache miss: " + file.getFileName() + ")");
        Path ckpt = file.resolveSibling(file.getFileName() + ".checkpoint");
        copyShipped(ckpt);
        if (!Files.exists(ckpt)) {
            continueShorterRun(config, dataKey, extra, ckpt);
        }
        Trainer.Result r = new Trainer(config).checkpoint(ckpt).train(features, labels.get(), datasetName, test, extra);
        ModelFile.save(r.network(), r.info(), file);
        Files.deleteIfExists(ckpt);
        return new ModelFile.Loaded(r.network(), r.info());
    }

    /** Copies the shipped file of the same name into the cache when the cache lacks it. */
    private void copyShipped(Path target) throws IOException {
        Path source = shipped == null ? null : shipped.resolve(target.getFileName().toString());
        if (source != null && !Files.exists(target) && Files.isRegularFile(source)) {
            Progress.log("ark4j: starting from the project's " + source);
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicFiles.write(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
        }
    }

    /**
     * Starts the checkpoint from the longest cached run that differs from {@code config} only in having fewer epochs and
     * that kept its updater state (without it, the continued run would not be the uninterrupted one).
     */
    private void continueShorterRun(TrainingConfig config, String dataKey, String extra, Path ckpt) throws IOException {
        for (int epochs = config.epochs() - 1; epochs >= 1; epochs--) {
            Path shorter = pathFor(config.toBuilder().epochs(epochs).build(), dataKey, extra);
            if (Files.exists(shorter) && ModelFile.hasUpdaterState(shorter)) {
                Progress.log("ark4j: continuing the cached " + epochs + "-epoch run " + shorter.getFileName());
                AtomicFiles.write(ckpt, tmp -> Files.copy(shorter, tmp, StandardCopyOption.REPLACE_EXISTING));
                return;
            }
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

}
