package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Clean accuracy of a classifier, evaluated in batches. */
public final class Accuracy {
    public static final int BATCH = 500;

    private Accuracy() {
    }

    public static double of(Classifier model, LabeledImages data) {
        return correct(model, data) / (double) data.size();
    }

    /** Number of images whose predicted class equals the label. */
    public static int correct(Classifier model, LabeledImages data) {
        return correct(predictions(model, data.features()), data);
    }

    /** Number of predictions (one per image, in data order) equal to the image's label. */
    public static int correct(int[] predictions, LabeledImages data) {
        int c = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == data.label(i)) {
                c++;
            }
        }
        return c;
    }

    /** Predicted classes of all images, computed batch by batch. */
    public static int[] predictions(Classifier model, INDArray x) {
        int n = (int) x.size(0);
        int[] out = new int[n];
        for (int i = 0; i < n; i += BATCH) {
            int m = Math.min(BATCH, n - i);
            int[] p = model.predict(x.get(NDArrayIndex.interval(i, i + m)));
            System.arraycopy(p, 0, out, i, m);
        }
        return out;
    }

    /**
     * Per image, whether the model's float32 softmax (at T = 1) gives its top class a probability of exactly 1: on such
     * an image the float32 loss gradient's term p_y − 1 rounds to 0 (docs/known-differences.md).
     */
    public static boolean[] saturated(Classifier model, INDArray x) {
        int n = (int) x.size(0);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i += BATCH) {
            int m = Math.min(BATCH, n - i);
            float[] top = model.probabilities(x.get(NDArrayIndex.interval(i, i + m)), 1)
                    .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).max(1).toFloatVector();
            for (int j = 0; j < m; j++) {
                out[i + j] = top[j] == 1.0f;
            }
        }
        return out;
    }

    /** The first {@code n} images (in data order) the model classifies correctly: attacks start from these. */
    public static LabeledImages correctlyClassified(Classifier model, LabeledImages data, int n) {
        int[] pred = predictions(model, data.features());
        return data.select(java.util.stream.IntStream.range(0, pred.length).filter(i -> pred[i] == data.label(i)).limit(n).toArray());
    }
}
