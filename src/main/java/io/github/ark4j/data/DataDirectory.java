package io.github.ark4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where ark4j looks for datasets: the system property {@code ark4j.data}, else the environment variable
 * {@code ARK4J_DATA}, else the project's {@code data/} folder (searched in the working directory and its parent,
 * so that notebooks running in {@code notebooks/} find it). Inside it, MNIST lives in {@code mnist/} and
 * CIFAR-10 in {@code cifar-10/}.
 */
public final class DataDirectory {
    public static final String PROPERTY = "ark4j.data";
    public static final String ENVIRONMENT = "ARK4J_DATA";

    private DataDirectory() {
    }

    /**
     * The data root, resolved as described in the class comment; a configured one as an absolute path, because
     * datasets are named after their folder and a training checkpoint resumes only on data of the same name (so
     * {@code ARK4J_DATA=../data} and its absolute path are the same data).
     */
    public static Path resolve() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath().normalize();
        }
        return embedded();
    }

    /** The project's own {@code data/} folder with the embedded MNIST subset. */
    public static Path embedded() {
        Path here = Paths.get("data");
        if (Files.isDirectory(here.resolve("mnist"))) {
            return here;
        }
        Path parent = Paths.get("..", "data");
        if (Files.isDirectory(parent.resolve("mnist"))) {
            return parent.normalize();
        }
        return here;
    }

    /** A short description of where the root came from, for log lines. */
    public static String describe() {
        if (System.getProperty(PROPERTY) != null) {
            return "-D" + PROPERTY + "=" + System.getProperty(PROPERTY);
        }
        if (System.getenv(ENVIRONMENT) != null) {
            return ENVIRONMENT + "=" + System.getenv(ENVIRONMENT);
        }
        return "embedded default " + embedded();
    }
}
