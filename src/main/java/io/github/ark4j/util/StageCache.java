package io.github.ark4j.util;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Results of the long stages of an experiment kept on disk under a key that determines them, so that a run stopped
 * midway resumes after its last finished stage: the full CIFAR-10 detection experiment takes about four hours on 2
 * cores. Keys hold ark4j's code fingerprint beside the stage's inputs and parameters: the same build at
 * the same thread count recomputes a stage bit for bit, so a cached one is the result the run would compute.
 *
 * <p>A stage file is a header, the codec's bytes and their SHA-256, written atomically; a read verifies the hash, and a
 * file that fails it (or cannot be decoded) is moved aside with a one-line notice and computed again. Read-only layers
 * (a shared cache) are searched after the user's own folder and never written. A missing stage is computed under a
 * lock on its entry ({@link EntryLock}): concurrent runs compute it once.
 */
public final class StageCache {
    /** How a stage's result is written to and read from a file. */
    public interface Codec<T> {
        void write(T value, DataOutputStream out) throws IOException;

        T read(DataInputStream in) throws IOException;
    }

    private static final byte[] MAGIC = "ark4j-stage-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;

    private final Path directory;
    private final List<Path> readOnly;
    /** Told the file of every stage this cache returns. */
    private final Consumer<Path> files;

    public StageCache(Path directory) {
        this(directory, List.of());
    }

    /** A cache in {@code directory} over read-only layers searched after it, in order. */
    public StageCache(Path directory, List<Path> readOnly) {
        this(directory, readOnly, f -> { });
    }

    /** A cache in {@code directory} over read-only layers, telling {@code files} the file of every stage it returns. */
    public StageCache(Path directory, List<Path> readOnly, Consumer<Path> files) {
        this.directory = directory;
        this.readOnly = List.copyOf(readOnly);
        this.files = files;
    }

    public Path directory() {
        return directory;
    }

    /**
     * SHA-256 of ark4j's own class files (from its jar or its classes folder), computed once: part of every stage's
     * key, so that results of other code are never taken for this code's. Any change to the code, even a moved line,
     * makes the stages of earlier builds unused.
     */
    public static String codeFingerprint() {
        if (CodeFingerprint.VALUE == null) {
            throw new IllegalStateException("cannot read ark4j's own classes to key the stage cache: " + CodeFingerprint.PROBLEM);
        }
        return CodeFingerprint.VALUE;
    }

    private static final class CodeFingerprint {
        /** The fingerprint, or null when ark4j's classes cannot be read (e.g. a class loader without a code source). */
        static final String VALUE;
        /** Why {@link #VALUE} is null. */
        static final String PROBLEM;

        static {
            String value = null;
            String problem = null;
            try {
                value = compute();
            } catch (IOException | URISyntaxException | RuntimeException e) {
                problem = e.toString();
            }
            VALUE = value;
            PROBLEM = problem;
        }

        private static String compute() throws IOException, URISyntaxException {
            MessageDigest md = Sha256.digest();
            Path location = Path.of(StageCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        md.update(location.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                        md.update(Files.readAllBytes(f));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry e : jar.stream().filter(e -> e.getName().startsWith("io/github/ark4j/") && e.getName().endsWith(".class"))
                            .sorted(Comparator.comparing(JarEntry::getName)).toList()) {
                        md.update(e.getName().getBytes(StandardCharsets.UTF_8));
                        try (var in = jar.getInputStream(e)) {
                            md.update(in.readAllBytes());
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        }
    }

    /** The file of a stage: {@code <name>-<first 16 hex digits of SHA-256(code fingerprint | key)>.bin}. */
    public Path pathFor(String name, String key) {
        return directory.resolve(String.format(Locale.ROOT, "%s-%s.bin", name, Sha256.of(codeFingerprint() + "|" + key).substring(0, 16)));
    }

    /** The cached result of the stage, or {@code compute}'s, which is then kept. */
    public <T> T getOrCompute(String name, String key, Codec<T> codec, Supplier<T> compute) throws IOException {
        if (CodeFingerprint.VALUE == null) {
            Progress.log("ark4j: " + name + " not kept (cannot read ark4j's own classes: " + CodeFingerprint.PROBLEM + ")");
            return compute.get();
        }
        Path file = pathFor(name, key);
        T own = readOwn(file, name, codec);
        if (own != null) {
            return own;
        }
        T shared = ReadOnlyLayers.readFirst(readOnly, file.getFileName().toString(), name, f -> {
            T value = read(f, codec);
            files.accept(f);
            return value;
        });
        if (shared != null) {
            return shared;
        }
        try (EntryLock lock = EntryLock.acquire(file, name)) {
            // another run may have computed it while this one waited
            own = readOwn(file, name, codec);
            if (own != null) {
                return own;
            }
            AtomicFiles.removeLeftovers(file);
            T value = compute.get();
            AtomicFiles.write(file, tmp -> {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                    out.write(MAGIC);
                    MessageDigest md = Sha256.digest();
                    DataOutputStream payload = new DataOutputStream(new DigestOutputStream(out, md));
                    codec.write(value, payload);
                    payload.flush();
                    out.write(md.digest());
                }
            });
            files.accept(file);
            return value;
        }
    }

    /** The stage from the user's own folder, or null; a file that fails verification is moved aside. */
    private <T> T readOwn(Path file, String name, Codec<T> codec) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            T value = read(file, codec);
            Progress.log("ark4j: " + name + " from " + file);
            files.accept(file);
            return value;
        } catch (IOException e) {
            AtomicFiles.moveAside(file, e.getMessage());
            return null;
        }
    }

    /**
     * Checks a stage file's header and content hash without decoding it: for a stage computed elsewhere (a cluster's
     * executor) before it is moved into a cache.
     *
     * @throws IOException naming the file when it is no stage file of this version or its content does not match its hash
     */
    public static void verify(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int end = all.length - DIGEST_BYTES;
        if (end < MAGIC.length || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(file + ": not an ark4j stage file of this version");
        }
        MessageDigest md = Sha256.digest();
        md.update(all, MAGIC.length, end - MAGIC.length);
        if (!MessageDigest.isEqual(md.digest(), Arrays.copyOfRange(all, end, all.length))) {
            throw new IOException(file + ": content hash mismatch");
        }
    }

    /** Decodes a stage file after checking its header and content hash. */
    static <T> T read(Path file, Codec<T> codec) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an ark4j stage file of this version");
            }
            MessageDigest md = Sha256.digest();
            T value;
            try {
                value = codec.read(new DataInputStream(new DigestInputStream(in, md)));
            } catch (RuntimeException e) {
                throw new IOException("undecodable content (" + Problems.describe(e) + ")", e);
            }
            byte[] recorded = in.readNBytes(DIGEST_BYTES);
            if (recorded.length != DIGEST_BYTES || in.read() != -1 || !MessageDigest.isEqual(recorded, md.digest())) {
                throw new IOException("content hash mismatch");
            }
            return value;
        } catch (java.io.EOFException e) {
            throw new IOException("truncated", e);
        }
    }
}
