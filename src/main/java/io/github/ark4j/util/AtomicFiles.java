package io.github.ark4j.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Nothing half-written: every file the kit produces (models, tables, figures, reports) is written to a temporary
 * file in the destination's folder and moved into place only when complete.
 */
public final class AtomicFiles {
    /** Writes the content of a file given its temporary path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Creates the parent folders, lets {@code writer} fill a temporary file whose name ends like {@code file}'s
     * (some encoders pick the format from the extension), then atomically replaces {@code file} with it.
     */
    public static void write(Path file, Writer writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String suffix = dot > 0 ? name.substring(dot) : ".part";
        Path tmp = tempFile(dir, "." + name + ".", ".part" + suffix);
        try {
            writer.write(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes {@code p} and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
        }
    }

    /**
     * A new, empty file {@code dir/prefix<random>suffix} with the permissions of any other new file (the umask's):
     * {@link Files#createTempFile} makes it private to the owner (0600), and that would stay with the file once it is
     * moved into place — reports and models unreadable by the rest of a course's group.
     */
    public static Path tempFile(Path dir, String prefix, String suffix) throws IOException {
        return createUnique(dir, prefix, suffix, Files::createFile);
    }

    /** A new, empty folder {@code dir/prefix<random>} with the umask's permissions, for the same reason as {@link #tempFile}. */
    public static Path tempDirectory(Path dir, String prefix) throws IOException {
        return createUnique(dir, prefix, "", Files::createDirectory);
    }

    private interface Creator {
        Path create(Path path) throws IOException;
    }

    private static Path createUnique(Path dir, String prefix, String suffix, Creator creator) throws IOException {
        while (true) {
            try {
                return creator.create(dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + suffix));
            } catch (FileAlreadyExistsException taken) {
                // another writer drew the same name: draw again
            }
        }
    }

    /** Writes a UTF-8 text file atomically. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Moves a file that cannot be read out of the way (to {@code <name>.corrupt}, or {@code .corrupt-2}, ... when that
     * exists), so that it is recomputed rather than failing every run, and kept for a look rather than deleted.
     * Reports it in one line naming the reason; returns where it went.
     */
    public static Path moveAside(Path file, String reason) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        for (int i = 2; Files.exists(aside); i++) {
            aside = file.resolveSibling(file.getFileName() + ".corrupt-" + i);
        }
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        Progress.log("ark4j: " + file.getFileName() + " could not be read (" + reason.replace(file.toString() + ": ", "").lines().findFirst().orElse("")
                + "); moved aside to " + aside.getFileName() + ", computing it again");
        return aside;
    }

    /**
     * Removes the temporary files {@link #write} left for {@code file} when its writer was killed; call only while
     * holding the entry's lock, when no other writer of it can be running.
     */
    public static void removeLeftovers(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        String prefix = "." + file.getFileName() + ".";
        try (var entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString().startsWith(prefix)
                && e.getFileName().toString().contains(".part"))) {
            for (Path e : entries) {
                Files.deleteIfExists(e);
            }
        }
    }

    /**
     * Fails before any work when {@code dir} cannot be created or written, naming it, {@code what} it is for and what
     * to do instead ({@code remedy}).
     */
    public static void requireWritable(Path dir, String what, String remedy) throws IOException {
        try {
            Files.createDirectories(dir);
            Files.delete(tempFile(dir, ".write-check.", ".part"));
        } catch (IOException e) {
            throw new IOException("cannot write to " + what + " " + dir.toAbsolutePath() + " (" + Problems.describe(e) + "): " + remedy);
        }
    }
}
