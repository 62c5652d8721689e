package io.github.ark4j.util;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Results of the long stages of an experiment kept on disk under a key that determines them, so that a run stopped
 * midway resumes after its last finished stage: the full CIFAR-10 detection experiment takes about four hours on 2
 * cores. Keys hold ark4j's code fingerprint beside the stage's inputs and parameters: the same build at
 * the same thread count recomputes a stage bit for bit, so a cached one is the result the run would compute. Files are written atomically; one that cannot be read is reported by
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
}
