package io.github.ark4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;

/**
 * Images' 8-bit pixels as floats in [0, 1], written straight into an array's off-heap memory: a float[] of a whole
 * dataset on the way (188 MB for MNIST's training images, 614 MB for CIFAR-10's) would grow the Java heap by as much,
 * and the JVM keeps a grown heap resident after the array is gone.
 */
final class UnitPixels {
    private final INDArray array;
    private final FloatBuffer values;

    /** An array of {@code shape} (c order) to fill. */
    UnitPixels(long... shape) {
        this.array = Nd4j.createUninitialized(DataType.FLOAT, shape);
        this.values = array.data().asNioFloat();
    }

    /** Writes {@code count} pixels from {@code bytes} at {@code from} (unsigned) as value / 255 from element {@code at} on. */
    void put(byte[] bytes, int from, int count, long at) {
        int to = from + count;
        int out = Math.toIntExact(at);
        for (int i = from; i < to; i++) {
            values.put(out++, (bytes[i] & 0xff) / 255f);
        }
        // the buffer views the array's native memory without holding the array
        Reference.reachabilityFence(array);
    }

    /** The filled array. */
    INDArray array() {
        return array;
    }
}
