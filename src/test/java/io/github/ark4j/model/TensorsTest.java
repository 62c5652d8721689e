package io.github.ark4j.model;

import io.github.ark4j.util.UnderCollection;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class TensorsTest {

    /** Rows come out in c order of the other dimensions, also from 'f'-ordered, double and view arrays. */
    @Test
    void floatRowsFlattensEachSampleInCOrder() {
        INDArray c = Nd4j.arange(24).castTo(DataType.DOUBLE).reshape('c', 4, 1, 2, 3);
        float[][] expected = c.reshape(4, 6).castTo(DataType.FLOAT).toFloatMatrix();
        assertArrayEquals(expected, Tensors.floatRows(c));
        assertArrayEquals(expected, Tensors.floatRows(c.dup('f')));
        float[][] tail = Tensors.floatRows(c.get(NDArrayIndex.interval(2, 4)));
        assertArrayEquals(new float[][]{expected[2], expected[3]}, tail);
    }

    /**
     * The rows are read from a copy's native memory through a view that does not hold the copy: the copy must stay
     * alive until they are read. Without that, about one call in a hundred under this collector returns values of freed
     * memory (20 of 2,499).
     */
    @Test
    void floatRowsAreRightWhileTheCollectorRuns() {
        INDArray batch = Nd4j.rand(DataType.FLOAT, 100, 3, 32, 32);
        float[][] expected = batch.reshape(100, 3 * 32 * 32).toFloatMatrix();
        UnderCollection.Outcome o = UnderCollection.run(Duration.ofSeconds(5), () -> Arrays.deepEquals(expected, Tensors.floatRows(batch)));
        assertTrue(o.calls() > 100, o.toString());
        assertEquals(0, o.wrong(), o.toString());
    }

    @Test
    void fromRowsStacksTheChosenRowsInTheirOrder() {
        float[][] rows = {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}};
        INDArray x = Tensors.fromRows(rows, new int[]{2, 0}, new long[]{2, 1, 2, 2});
        assertArrayEquals(new long[]{2, 1, 2, 2}, x.shape());
        assertEquals(Nd4j.create(new float[]{8, 9, 10, 11, 0, 1, 2, 3}, new long[]{2, 1, 2, 2}, 'c'), x);
        assertArrayEquals(new float[][]{rows[2], rows[0]}, Tensors.floatRows(x));
    }

    @Test
    void requireBatchRejectsNaNAndBothInfinitiesNamingTheParameter() {
        long[] image = {1, 2, 2};
        Tensors.requireBatch("x", Nd4j.rand(DataType.FLOAT, 3, 1, 2, 2), image);
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 2, 2);
            x.putScalar(new long[]{2, 0, 1, 1}, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensors.requireBatch("x", x, image), "value " + bad);
            assertTrue(e.getMessage().startsWith("x contains NaN or Inf"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensors.requireBatch("x", Nd4j.rand(DataType.FLOAT, 3, 1, 2, 3), image));
    }
}
