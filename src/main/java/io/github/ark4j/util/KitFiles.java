package io.github.ark4j.util;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.Optional;

/**
 * The kit's own folders ({@code data/} with the embedded MNIST subset, {@code models/} with the shipped models), found
 * from where the kit is installed, whatever the working directory: the checkout that holds the running
 * {@code target/ark4j.jar} or {@code target/classes}. When the kit runs from elsewhere (e.g. its jar copied into another
 * project), the working directory and its parent are searched, as a notebook in {@code notebooks/} needs.
 */
public final class KitFiles {
    private KitFiles() {
    }

    /** The checkout the running classes come from: the folder above {@code target/}, if they come from one. */
    public static Optional<Path> installation() {
        try {
            CodeSource source = KitFiles.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path code = Paths.get(source.getLocation().toURI()).toAbsolutePath().normalize();
            Path target = code.getParent();
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                    && target.getParent() != null && Files.isRegularFile(target.getParent().resolve("pom.xml"))) {
                return Optional.of(target.getParent());
            }
            return Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The kit's folder {@code name}: in the installation if it has one, else in the working directory, else in its
     * parent; the working directory's (possibly missing) folder when none exists, for the caller's error message.
     */
    public static Path locate(String name) {
        Optional<Path> installed = installation().map(p -> p.resolve(name)).filter(Files::isDirectory);
        if (installed.isPresent()) {
            return installed.get();
        }
        Path here = Paths.get(name);
        Path parent = Paths.get("..", name);
        return Files.isDirectory(here) || !Files.isDirectory(parent) ? here : parent.normalize();
    }
}
