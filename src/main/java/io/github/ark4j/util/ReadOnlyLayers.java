package io.github.ark4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The read-only layers under a cache (a class's shared cache, the shipped models): searched in order for an entry's
 * file, never written. A file that cannot be read there is reported in one line and skipped.
 */
public final class ReadOnlyLayers {
    /** Reads and verifies one file. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file) throws IOException;
    }

    private ReadOnlyLayers() {
    }

    /** The first readable copy of {@code fileName} in {@code layers}, or null; {@code what} names it in the log line. */
    public static <T> T readFirst(List<Path> layers, String fileName, String what, Reader<T> reader) {
        for (Path layer : layers) {
            Path f = layer.resolve(fileName);
            if (Files.isRegularFile(f)) {
                try {
                    T value = reader.read(f);
                    Progress.log("ark4j: " + what + " from " + f);
                    return value;
                } catch (IOException e) {
                    String why = e.getMessage() == null ? "" : e.getMessage().replace(f + ": ", "");
                    Progress.log("ark4j: skipping " + f + " in a read-only cache (" + why.lines().findFirst().orElse("") + ")");
                }
            }
        }
        return null;
    }
}
