package io.github.ark4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class ShuffledBatchesTest {
    static List<Float> order(ShuffledBatches it) {
        List<Float> ids = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            for (int i = 0; i < ds.numExamples(); i++) {
                ids.add(ds.getFeatures().getFloat(i, 0, 0, 0));
            }
        }
        return ids;
    }

    @Test
    void everyEpochIsASeededPermutationAndResumable() {
        int n = 103;
        INDArray x = Nd4j.arange(n).castTo(DataType.FLOAT).reshape(n, 1, 1, 1);
        INDArray y = LabeledImages.oneHot(new int[n], 10);
        ShuffledBatches a = new ShuffledBatches(x, y, 16, true, 42, 0);
        List<Float> e0 = order(a);
        assertEquals(n, new TreeSet<>(e0).size());
        a.reset();
        List<Float> e1 = order(a);
        assertNotEquals(e0, e1);
        assertEquals(1, a.epoch());
        // a fresh iterator started at epoch 1 sees exactly epoch 1
        assertEquals(e1, order(new ShuffledBatches(x, y, 16, true, 42, 1)));
        assertEquals(7, a.batchesPerEpoch());
        assertNotEquals(e0, order(new ShuffledBatches(x, y, 16, true, 43, 0)));
    }
}
