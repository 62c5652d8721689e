package io.github.ark4j.data;

import io.github.ark4j.util.Sha256;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A set of images with integer class labels: pixels in [0,1] as float32 NCHW, labels in [0, classes).
 * Immutable by convention: the arrays handed out are views the caller must not modify.
 */
public final class LabeledImages {
    private final String name;
    private final INDArray features;
    private final int[] labels;
    private final int classes;

    public LabeledImages(String name, INDArray features, int[] labels, int classes) {
        Objects.requireNonNull(name, "name");
        if (features.rank() != 4) {
            throw new IllegalArgumentException("features of " + name + " must be NCHW (rank 4), got shape " + Arrays.toString(features.shape()));
        }
        if (features.size(0) != labels.length) {
            throw new IllegalArgumentException("features of " + name + " hold " + features.size(0) + " images but labels hold " + labels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + i + " of " + name + " is " + labels[i] + ", expected 0.." + (classes - 1));
            }
        }
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.classes = classes;
    }

    /** A name that says where the data came from, e.g. "mnist-train (60000, data/mnist)". */
    public String name() {
        return name;
    }

    /** Pixels in [0,1], shape [n, channels, height, width], float32. */
    public INDArray features() {
        return features;
    }

    /** The class of each image (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    public int label(int i) {
        return labels[i];
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    /** Shape of one image: {channels, height, width}. */
    public long[] imageShape() {
        return new long[]{features.size(1), features.size(2), features.size(3)};
    }

    /** Labels as one-hot rows [n, classes], float32. */
    public INDArray oneHot() {
        return oneHot(labels, classes);
    }

    /** The first n images (all if n exceeds the size). */
    public LabeledImages first(int n) {
        if (n >= size()) {
            // the same set under the same name: a model trained on "the first n" of all images is one trained on all of
            // them, so `ark4j train` and the full profile share checkpoints
            return this;
        }
        return new LabeledImages(name + "[0:" + n + "]", features.get(NDArrayIndex.interval(0, n)), Arrays.copyOf(labels, n), classes);
    }

    /** Images at the given indices, in that order (a copy). */
    public LabeledImages select(int[] indices) {
        int[] sel = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            sel[i] = labels[indices[i]];
        }
        INDArray rows = Nd4j.pullRows(features.reshape(size(), -1), 1, indices).reshape(indices.length, features.size(1), features.size(2), features.size(3));
        return new LabeledImages(name + "[selection of " + indices.length + "]", rows, sel, classes);
    }

    /**
     * A content fingerprint, independent of where the files were read from: the SHA-256 of the class count, every label
     * and every pixel value (with the pixels' type and shape). The model cache keys trained models on it, so a model is
     * reused only for exactly the data it was trained on.
     */
    public String fingerprint() {
        ByteBuffer labelBytes = ByteBuffer.allocate(4 * labels.length);
        labelBytes.asIntBuffer().put(labels);
        return Sha256.of("classes=" + classes + "|labels=" + Sha256.of(labelBytes.array()) + "|pixels=" + Sha256.of(features));
    }

    /** Class histogram: count per class. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** One-hot encoding of integer labels, float32 [n, classes]. */
    public static INDArray oneHot(int[] labels, int classes) {
        float[] buf = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            buf[i * classes + labels[i]] = 1f;
        }
        return Nd4j.create(buf, new long[]{labels.length, classes}, DataType.FLOAT);
    }
}
