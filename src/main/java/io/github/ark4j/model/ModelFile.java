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
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A trained model on disk: DL4J's model zip (configuration, parameters, updater state) plus an
 * {@code ark4j.properties} entry with the {@link ModelInfo} and an {@code ark4j.sha256} entry with the SHA-256 of every
 * other entry's name and content, which {@link #load} verifies. Written to a temporary file in the target folder and
 * moved into place atomically, so a reader never sees a half-written model.
 */
public final class ModelFile {
    static final String METADATA_ENTRY = "ark4j.properties";
    /** DL4J's entry for the updater state. */
    static final String UPDATER_ENTRY = "updaterState.bin";
    /** The entry with the SHA-256 of the others. */
    static final String DIGEST_ENTRY = "ark4j.sha256";
    /** The time stamp of every entry: the zip format's earliest. */
    private static final java.time.LocalDateTime FIXED_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    /** A network with its metadata. */
    public record Loaded(MultiLayerNetwork network, ModelInfo info) {
        public NetworkClassifier classifier() {
            return new NetworkClassifier(network, info.architecture());
        }
    }

    private ModelFile() {
    }

    /**
     * Writes the model: DL4J's entries, the metadata and the content hash, in name order with a fixed time stamp, so that
     * the same network and metadata give the same bytes (runs that train the same model write identical files).
     */
    public static void save(MultiLayerNetwork network, ModelInfo info, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path dl4j = AtomicFiles.tempFile(dir, "." + file.getFileName() + ".", ".part.dl4j");
        try {
            ModelSerializer.writeModel(network, dl4j.toFile(), true);
            SortedMap<String, byte[]> entries = entries(dl4j);
            entries.put(METADATA_ENTRY, info.toProperties().getBytes(StandardCharsets.UTF_8));
            entries.put(DIGEST_ENTRY, (contentDigest(entries) + "\n").getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.write(file, tmp -> {
                try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(
                        new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
                    for (var e : entries.entrySet()) {
                        java.util.zip.ZipEntry z = new java.util.zip.ZipEntry(e.getKey());
                        z.setTimeLocal(FIXED_TIME);
                        out.putNextEntry(z);
                        out.write(e.getValue());
                        out.closeEntry();
                    }
                }
            });
        } finally {
            Files.deleteIfExists(dl4j);
        }
    }

    /** Reads a model after verifying its content hash (models written before the hash entry existed rely on the zip's CRCs). */
    public static Loaded load(Path file) throws IOException {
        ModelInfo info = readInfo(file);
        verify(file);
        try {
            return new Loaded(ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true), info);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": corrupt ark4j model, DL4J could not restore it: " + io.github.ark4j.util.Problems.describe(e), e);
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
     * Checks the model's {@code ark4j.sha256} entry against its other entries; throws naming the file when they differ
     * or an entry cannot be read.
     */
    public static void verify(Path file) throws IOException {
        SortedMap<String, byte[]> entries;
        try {
            entries = entries(file);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not an ark4j model (not a readable zip archive: " + e.getMessage() + ")", e);
        }
        byte[] recorded = entries.get(DIGEST_ENTRY);
        if (recorded == null) {
            return;
        }
        String expected = new String(recorded, StandardCharsets.US_ASCII).trim();
        String actual = contentDigest(entries);
        if (!expected.equals(actual)) {
            throw new IOException(file + ": content hash mismatch (recorded " + expected.substring(0, Math.min(16, expected.length()))
                    + "…, computed " + actual.substring(0, 16) + "…)");
        }
    }

    /** Every file entry of a zip archive by name, in name order. */
    private static SortedMap<String, byte[]> entries(Path zipFile) throws IOException {
        SortedMap<String, byte[]> entries = new TreeMap<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(zipFile.toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory()) {
                    try (var in = zip.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return entries;
    }

    /** SHA-256 over every entry but the digest's own, in name order: each name, a zero byte, the content. */
    private static String contentDigest(SortedMap<String, byte[]> entries) {
        java.security.MessageDigest md = io.github.ark4j.util.Sha256.digest();
        entries.forEach((name, bytes) -> {
            if (!name.equals(DIGEST_ENTRY)) {
                md.update(name.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(bytes);
            }
        });
        return java.util.HexFormat.of().formatHex(md.digest());
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
