package io.github.ark4j.experiment;

import io.github.ark4j.data.Cifar10;
import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.DataFormatException;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;

import java.nio.file.Files;

/** The two datasets the papers' experiments run on, with the Papernot net of each (docs/papers.md [1]). */
public enum Dataset {
    MNIST("MNIST", Architecture.PAPERNOT_MNIST),
    CIFAR10("CIFAR-10", Architecture.PAPERNOT_CIFAR10);

    private final String title;
    private final Architecture papernot;

    Dataset(String title, Architecture papernot) {
        this.title = title;
        this.papernot = papernot;
    }

    /** The dataset's usual name, e.g. "CIFAR-10". */
    public String title() {
        return title;
    }

    /** The Papernot et al. architecture for this dataset. */
    public Architecture papernot() {
        return papernot;
    }

    /** The dataset an architecture is trained on: CIFAR-10 for the Papernot CIFAR-10 net, MNIST for the others. */
    public static Dataset of(Architecture a) {
        return a == CIFAR10.papernot ? CIFAR10 : MNIST;
    }

    /** The training or test split from the configured data root ({@link DataDirectory#resolve()}). */
    public LabeledImages load(boolean train) throws DataFormatException {
        return this == MNIST ? Mnist.load(train ? Mnist.Split.TRAIN : Mnist.Split.TEST)
                : Cifar10.load(train ? Cifar10.Split.TRAIN : Cifar10.Split.TEST);
    }

    /**
     * The first {@code limit} images of the training or test split, holding only those in memory where the format
     * allows it (CIFAR-10's batch files); the same images and name as {@code load(train).first(limit)}.
     */
    public LabeledImages load(boolean train, int limit) throws DataFormatException {
        return this == MNIST ? load(train).first(limit)
                : Cifar10.load(DataDirectory.folder("cifar-10"), train ? Cifar10.Split.TRAIN : Cifar10.Split.TEST, limit);
    }

    /**
     * The dataset's name with how the configured files relate to the official ones, for figure titles and reports: e.g.
     * "CIFAR-10 (unofficial copy)" for a re-encoding. MNIST is named as is (its loader reads the official format).
     */
    public String describe() {
        return this == MNIST ? title : title + " (" + cifarProvenance() + ")";
    }

    /** False for CIFAR-10 files that are not verifiably the official ones: their accuracies are not the papers'. */
    public boolean official() {
        return this == MNIST || cifarProvenance().equals("official");
    }

    private static String cifarProvenance() {
        return CIFAR_PROVENANCE.computeIfAbsent(DataDirectory.folder("cifar-10"), Cifar10::provenance);
    }

    /** One SHA-256 of the 170 MB archive per folder and process. */
    private static final java.util.Map<java.nio.file.Path, String> CIFAR_PROVENANCE = new java.util.concurrent.ConcurrentHashMap<>();

    /** True when the configured data root holds this dataset (the embedded default holds MNIST only). */
    public boolean present() {
        return this == MNIST ? Files.isDirectory(DataDirectory.folder("mnist"))
                : Cifar10.present(DataDirectory.folder("cifar-10"));
    }
}
