package io.github.ark4j.util;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Sha256#of(INDArray)}'s agreement between views and copies is {@code StageCacheTest}'s. */
class Sha256Test {
    /**
     * A view is hashed from a c-order copy's native memory, which must stay alive until it is hashed. Without that, a few
     * calls in this test hash freed memory (3 of 73,703).
     */
    @Test
    void hashesAreRightWhileTheCollectorRuns() {
        INDArray view = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8).permute(0, 1, 3, 2);
        String expected = Sha256.of(view.dup('c'));
        UnderCollection.Outcome o = UnderCollection.run(Duration.ofSeconds(5), () -> expected.equals(Sha256.of(view)));
        assertTrue(o.calls() > 1_000, o.toString());
        assertEquals(0, o.wrong(), o.toString());
    }
}
