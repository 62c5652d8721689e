package io.github.ark4j.data;

import io.github.ark4j.model.Architecture;

/** The dataset each architecture is trained on, loaded from the resolved data root. */
public final class Datasets {
    private Datasets() {
    }

    /** Train and test split for an architecture's dataset. */
    public record Splits(LabeledImages train, LabeledImages test) {
    }

    public static Splits forArchitecture(Architecture a) throws DataFormatException {
        if (a == Architecture.PAPERNOT_CIFAR10) {
            return new Splits(Cifar10.load(Cifar10.Split.TRAIN), Cifar10.load(Cifar10.Split.TEST));
        }
        return new Splits(Mnist.load(Mnist.Split.TRAIN), Mnist.load(Mnist.Split.TEST));
    }
}
