package io.github.ark4j.model;

import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained model on disk: DL4J's model zip (configuration, parameters, updater state) plus an
 * {@code ark4j.properties} entry with the {@link ModelInfo}. Written to a temporary file in the target folder and
 * moved into place atomically, so a reader never sees a half-written model.
 */
public final class ModelFile {
    static final String METADATA_ENTRY = "ark4j.properties";
    /** DL4J's entry for the updater state. */
    static final String UPDATER_ENTRY = "updaterState.bin";

    /** A network with its metadata. */
    public record Loaded(MultiLayerNetwork network, ModelInfo info) {
        public NetworkClassifier classifier() {
            return new NetworkClassifier(network, info.architecture());
        }
    }

    private ModelFile() {
    }

    public static void save(MultiLayerNetwork network, ModelInfo info, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            ModelSerializer.writeModel(network, tmp.toFile(), true);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
                Files.writeString(zip.getPath(METADATA_ENTRY), info.toProperties(), StandardCharsets.UTF_8);
            }
        });
    }

    public static Loaded load(Path file) throws IOException {
        ModelInfo info = readInfo(file);
        try {
            return new Loaded(ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true), info);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": corrupt ark4j model, DL4J could not restore it: " + e, e);
        }
    }

    /**
     * Whether the file holds the updater's state (momentum, Adam moments) beside the parameters: needed to continue its
     * training exactly as an uninterrupted run would; models shipped for inference only leave it out.
     */
    public static boolean hasUpdaterState(Path file) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toAbsolutePath().toUri()), Map.of())) {
            return Files.exists(zip.getPath(UPDATER_ENTRY));
        } catch (java.util.zip.ZipException | java.nio.file.ProviderNotFoundException e) {
            throw new IOException(file + ": not an ark4j model (not a readable zip archive: " + e.getMessage() + ")", e);
        }
    }

    /**
     * Moves a model file that cannot be read out of the way (to {@code <name>.corrupt}, or {@code .corrupt-2}, ... when
     * that exists), so that it is recomputed rather than failing every run, and kept for a look rather than deleted.
     * Reports it in one line; returns where it went.
     */
    public static Path moveAside(Path file, IOException problem) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        for (int i = 2; Files.exists(aside); i++) {
            aside = file.resolveSibling(file.getFileName() + ".corrupt-" + i);
        }
        Files.move(file, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        String why = problem.getMessage() == null ? "" : problem.getMessage().replace(file.toString() + ": ", "");
        Progress.log("ark4j: " + file.getFileName() + " could not be read (" + why.lines().findFirst().orElse("") + "); moved aside to "
                + aside.getFileName() + ", computing it again");
        return aside;
    }

    /** Reads only the metadata. */
    public static ModelInfo readInfo(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toAbsolutePath().toUri()), Map.of())) {
            Path meta = zip.getPath(METADATA_ENTRY);
            if (!Files.exists(meta) || !Files.exists(zip.getPath("configuration.json"))) {
                throw new IOException(file + ": not an ark4j model (expected a DL4J model zip with an " + METADATA_ENTRY + " entry)");
            }
            try {
                return ModelInfo.fromProperties(Files.readString(meta, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        } catch (java.util.zip.ZipException | java.nio.file.ProviderNotFoundException e) {
            throw new IOException(file + ": not an ark4j model (not a readable zip archive: " + e.getMessage() + ")", e);
        }
    }
}
