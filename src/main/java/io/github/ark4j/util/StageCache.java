package io.github.ark4j.util;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Results of the long stages of an experiment kept on disk under a key that determines them, so that a run stopped
 * midway resumes after its last finished stage: the full CIFAR-10 detection experiment takes longer on 2 cores than
 * one working session. A stage's result is recomputed bit for bit by the same build at the same thread count, so a
 * cached one is the result the run would compute. Files are written atomically; one that cannot be read is reported by
 * name and computed again.
 */
public final class StageCache {
    /** How a stage's result is written to and read from a file. */
    public interface Codec<T> {
        void write(T value, DataOutputStream out) throws IOException;

        T read(DataInputStream in) throws IOException;
    }

    private final Path directory;

    public StageCache(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** The file of a stage: {@code <name>-<first 16 hex digits of SHA-256(key)>.bin}. */
    public Path pathFor(String name, String key) {
        return directory.resolve(String.format(Locale.ROOT, "%s-%s.bin", name, sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16)));
    }

    /** The cached result of the stage, or {@code compute}'s, which is then kept. */
    public <T> T getOrCompute(String name, String key, Codec<T> codec, Supplier<T> compute) throws IOException {
        Path file = pathFor(name, key);
        if (Files.exists(file)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                T value = codec.read(in);
                Progress.log("ark4j: " + name + " from " + file);
                return value;
            } catch (IOException | RuntimeException e) {
                Progress.log("ark4j: " + file + " is unreadable (" + e + "); computing " + name + " again");
            }
        }
        T value = compute.get();
        AtomicFiles.write(file, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                codec.write(value, out);
            }
        });
        return value;
    }

    /** SHA-256 of an array's shape, type and values in row-major order: part of a key for results computed from it. */
    public static String fingerprint(INDArray x) {
        INDArray c = x.dup('c');
        ByteBuffer bytes = c.data().asNio().order(ByteOrder.nativeOrder());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((c.dataType() + java.util.Arrays.toString(c.shape())).getBytes(StandardCharsets.UTF_8));
            ByteBuffer view = bytes.duplicate();
            view.position(0).limit((int) (c.length() * c.dataType().width()));
            md.update(view);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
