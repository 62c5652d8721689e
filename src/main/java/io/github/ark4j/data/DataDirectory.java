package io.github.ark4j.data;

import io.github.ark4j.util.KitFiles;

import java.nio.file.Files;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where ark4j looks for datasets: the system property {@code ark4j.data}, else the environment variable
 * {@code ARK4J_DATA}; without either, each dataset's folder in the user data folder ({@link #userFolder()}, where
 * {@code ark4j download} puts what it fetches) when it is there, else in the kit's own {@code data/} folder (found from
 * its installation, whatever the working directory: {@link KitFiles}). Inside a root, MNIST lives in {@code mnist/} and
 * CIFAR-10 in {@code cifar-10/}.
 */
public final class DataDirectory {
    public static final String PROPERTY = "ark4j.data";
    public static final String ENVIRONMENT = "ARK4J_DATA";

    private DataDirectory() {
    }

    /**
     * The configured data root ({@code ark4j.data} or {@code ARK4J_DATA}) as an absolute path, because datasets are
     * named after their folder and a training checkpoint resumes only on data of the same name (so
     * {@code ARK4J_DATA=../data} and its absolute path are the same data); else the kit's embedded {@code data/}.
     */
    public static Path resolve() {
        return configured().orElseGet(DataDirectory::embedded);
    }

    /** The folder of one dataset ({@code mnist}, {@code cifar-10}), looked up as the class comment says. */
    public static Path folder(String dataset) {
        Optional<Path> root = configured();
        if (root.isPresent()) {
            return root.get().resolve(dataset);
        }
        Path user = userFolder().resolve(dataset);
        return Files.isDirectory(user) ? user : embedded().resolve(dataset);
    }

    /** The configured root, absolute, if any. */
    public static Optional<Path> configured() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Paths.get(prop).toAbsolutePath().normalize());
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return Optional.of(Paths.get(env).toAbsolutePath().normalize());
        }
        return Optional.empty();
    }

    /**
     * The user's own data folder, outside the kit: {@code $XDG_DATA_HOME/ark4j/data}, else
     * {@code ~/.local/share/ark4j/data}. Downloads go there unless a root is configured: never into the kit's
     * {@code data/}, whose embedded subset the tests and the shipped models expect.
     */
    public static Path userFolder() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".local", "share");
        return base.resolve("ark4j").resolve("data").toAbsolutePath().normalize();
    }

    /** The project's own {@code data/} folder with the embedded MNIST subset, found from the kit's installation. */
    public static Path embedded() {
        return KitFiles.locate("data");
    }

    /** A short description of where the root came from, for log lines. */
    public static String describe() {
        if (System.getProperty(PROPERTY) != null) {
            return "-D" + PROPERTY + "=" + System.getProperty(PROPERTY);
        }
        if (System.getenv(ENVIRONMENT) != null) {
            return ENVIRONMENT + "=" + System.getenv(ENVIRONMENT);
        }
        return "MNIST in " + folder("mnist").getParent() + ", CIFAR-10 in " + folder("cifar-10").getParent();
    }
}
