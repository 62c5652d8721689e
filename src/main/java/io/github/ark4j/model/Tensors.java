package io.github.ark4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Small helpers between ND4J arrays and Java arrays, used where a result leaves ND4J anyway. */
public final class Tensors {
    private Tensors() {
    }

    /** Index of the largest value in each row of a [B, K] array. */
    public static int[] argmaxRows(INDArray m) {
        return m.argMax(1).toIntVector();
    }

    /** Throws when x is not a batch of the expected image shape or holds NaN/Inf. */
    public static void requireBatch(String parameter, INDArray x, long[] imageShape) {
        if (x == null) {
            throw new IllegalArgumentException(parameter + " must not be null");
        }
        if (x.rank() != 4 || x.size(1) != imageShape[0] || x.size(2) != imageShape[1] || x.size(3) != imageShape[2]) {
            throw new IllegalArgumentException(parameter + " must have shape [B, " + imageShape[0] + ", " + imageShape[1] + ", "
                    + imageShape[2] + "], got " + Arrays.toString(x.shape()));
        }
        if (x.isNaN().any() || x.isInfinite().any()) {
            throw new IllegalArgumentException(parameter + " contains NaN or Inf values");
        }
    }
}
