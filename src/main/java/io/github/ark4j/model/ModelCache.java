package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.EntryLock;
import io.github.ark4j.util.KitFiles;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.ReadOnlyLayers;
import io.github.ark4j.util.Sha256;
import io.github.ark4j.util.StageCache;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trained models kept on disk, keyed by everything that determines them (training configuration, training data
 * fingerprint, provenance such as a distillation teacher), so notebooks and the command line reuse a model instead
 * of retraining it. Location: {@code -Dark4j.cache}, else {@code ARK4J_CACHE}, else {@code ~/.cache/ark4j}.
 * An interrupted training resumes from the checkpoint kept beside the model, and a longer run of a cached configuration
 * (only the epochs differ) continues the longest cached shorter run instead of starting again: the trainer's seeding
 * makes that the same network bit for bit as training from scratch.
 *
 * <p>Layers: the user's cache is read first and is the only one written; below it, read-only, a shared cache
 * ({@code -Dark4j.cache.shared} or {@code ARK4J_CACHE_SHARED}: e.g. an instructor's pre-trained models for a class)
 * and the models the project ships ({@link #shippedDirectory()}). Every model read is verified (its content hash, or a
 * layer's {@code SHA256SUMS}); a corrupt one in the user's cache is moved aside and trained again, one in a read-only
 * layer is reported and skipped. A model missing from every layer is trained under a lock on its entry
 * ({@link EntryLock}): concurrent runs that need it train it once, the others wait and then read it.
 */
public final class ModelCache {
    private final Path directory;
    /** Read-only layers under {@link #directory}, searched in order. */
    private final List<Path> readOnly;
    /** Told the file of every model and stage this cache returns. */
    private final Consumer<Path> files;

    public ModelCache(Path directory) {
        this(directory, List.of());
    }

    /** A cache in {@code directory} over read-only layers searched in order (folders that do not exist are skipped). */
    public ModelCache(Path directory, List<Path> readOnly) {
        this(directory, readOnly, f -> { });
    }

    private ModelCache(Path directory, List<Path> readOnly, Consumer<Path> files) {
        this.directory = directory;
        this.readOnly = List.copyOf(readOnly);
        this.files = files;
    }

    /**
     * This cache, telling {@code files} the file of every model and stage it returns (read from a layer or written): e.g.
     * which files a cluster's executors need to compute what reads them.
     */
    public ModelCache observed(Consumer<Path> files) {
        return new ModelCache(directory, readOnly, this.files.andThen(files));
    }

    /** The cache at its configured location, over the shared cache (if configured) and the project's shipped models. */
    public static ModelCache standard() {
        List<Path> layers = new ArrayList<>();
        sharedDirectory().ifPresent(layers::add);
        layers.add(shippedDirectory());
        return new ModelCache(defaultDirectory(), layers);
    }

    /** The project's {@code models/} folder, found from the kit's installation whatever the working directory. */
    public static Path shippedDirectory() {
        return KitFiles.locate("models");
    }

    /** The read-only shared cache: {@code -Dark4j.cache.shared}, else {@code ARK4J_CACHE_SHARED}, else none. */
    public static Optional<Path> sharedDirectory() {
        String p = System.getProperty("ark4j.cache.shared", System.getenv("ARK4J_CACHE_SHARED"));
        return p == null || p.isBlank() ? Optional.empty() : Optional.of(Paths.get(p));
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

    /** The read-only layers under this cache's folder, in the order they are searched. */
    public List<Path> readOnly() {
        return readOnly;
    }

    /** The folder, under a cache's folder, of the experiments' stage results. */
    public static final String STAGES = "stages";

    /**
     * The experiments' stage results kept beside these models: {@value #STAGES} under this cache's folder, over the same
     * folder of each read-only layer.
     */
    public StageCache stages() {
        return new StageCache(directory.resolve(STAGES), readOnly.stream().map(p -> p.resolve(STAGES)).toList(), files);
    }

    /** The file a model trained this way on this data lives in. */
    public Path pathFor(TrainingConfig config, String dataFingerprint, String extra) {
        String key = Sha256.of(config.canonical() + "|" + dataFingerprint + "|" + extra).substring(0, 16);
        return directory.resolve(String.format(Locale.ROOT, "%s-T%s-e%d-%s.zip", config.architecture().cliName(),
                TrainingConfig.temperatureText(config.temperature()), config.epochs(), key));
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
        ModelFile.Loaded cached = find(file);
        if (cached != null) {
            return cached;
        }
        AtomicFiles.requireWritable(directory, "the model cache", "set ARK4J_CACHE to a folder you can write to");
        try (EntryLock lock = EntryLock.acquire(file, file.getFileName().toString())) {
            // another run may have trained it while this one waited
            cached = readOwn(file);
            if (cached != null) {
                return cached;
            }
            AtomicFiles.removeLeftovers(file);
            Progress.log("ark4j: training " + config + (extra.isEmpty() ? "" : " (" + extra + ")") + " on " + datasetName
                    + " (cache miss: " + file.getFileName() + ")");
            Path ckpt = file.resolveSibling(file.getFileName() + ".checkpoint");
            AtomicFiles.removeLeftovers(ckpt);
            if (!Files.exists(ckpt)) {
                copyCheckpointFromLayers(ckpt);
            }
            if (!Files.exists(ckpt)) {
                continueShorterRun(config, dataKey, extra, ckpt);
            }
            Trainer.Result r = new Trainer(config).checkpoint(ckpt).train(features, labels.get(), datasetName, test, extra);
            ModelFile.save(r.network(), r.info(), file);
            Files.deleteIfExists(ckpt);
            files.accept(file);
            return new ModelFile.Loaded(r.network(), r.info());
        }
    }

    /** The model from the first layer that holds a readable copy, or null. */
    private ModelFile.Loaded find(Path file) throws IOException {
        ModelFile.Loaded own = readOwn(file);
        if (own != null) {
            return own;
        }
        return ReadOnlyLayers.readFirst(readOnly, file.getFileName().toString(), "the model", f -> {
            verifyListed(f);
            ModelFile.Loaded m = ModelFile.load(f);
            files.accept(f);
            return m;
        });
    }

    /** The model in the user's own cache, or null; a corrupt one is moved aside. */
    private ModelFile.Loaded readOwn(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            ModelFile.Loaded cached = ModelFile.load(file);
            Progress.log("ark4j: using cached model " + file);
            files.accept(file);
            return cached;
        } catch (IOException e) {
            AtomicFiles.moveAside(file, e.getMessage());
            return null;
        }
    }

    /** Checks a read-only layer's file against the layer's {@code SHA256SUMS}, when the layer has one listing it. */
    private static void verifyListed(Path file) throws IOException {
        Path sums = file.resolveSibling("SHA256SUMS");
        if (!Files.isRegularFile(sums)) {
            return;
        }
        String name = file.getFileName().toString();
        for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split("\\s+\\*?", 2);
            if (parts.length == 2 && parts[1].equals(name)) {
                String actual = Sha256.of(Files.readAllBytes(file));
                if (!actual.equalsIgnoreCase(parts[0])) {
                    throw new IOException(file + ": SHA-256 differs from " + sums + " (" + actual.substring(0, 16) + "… instead of "
                            + parts[0].substring(0, Math.min(16, parts[0].length())) + "…)");
                }
                return;
            }
        }
    }

    /** Copies a checkpoint of a training still under way from a read-only layer, to continue it here. */
    private void copyCheckpointFromLayers(Path ckpt) throws IOException {
        for (Path layer : readOnly) {
            Path source = layer.resolve(ckpt.getFileName().toString());
            if (Files.isRegularFile(source)) {
                Progress.log("ark4j: continuing the training in " + source);
                AtomicFiles.write(ckpt, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
                return;
            }
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


}
