package io.github.ark4j.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file is missing, truncated or not in the format its name promises; the message names the file and what was expected. */
public class DataFormatException extends IOException {
    private final Path file;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
