package io.github.ark4j.detect;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** One pass of each mutant over several sets of inputs gives each set's label changes, as separate passes do. */
class MutantsTest {

    @Test
    void onePassOverSeveralSetsEqualsOnePassPerSet() throws IOException {
        Architecture a = Architecture.LENET5;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 5, DataType.FLOAT));
        net.init();
        NetworkClassifier model = new NetworkClassifier(net, a);
        LabeledImages test = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST);
        Map<String, INDArray> sets = new LinkedHashMap<>();
        sets.put("first", test.first(7).features());
        sets.put("second", test.select(new int[]{20, 21, 22}).features());
        sets.put("third", test.select(new int[]{40, 41, 42, 43, 44}).features());
        List<Mutants> sources = List.of(MutantSet.generate(model, ModelMutation.NAI, 0.2, 6, 6, 0, test.first(20)),
                new InputMutants(model, 0.3, 6));
        for (Mutants mutants : sources) {
            Map<String, boolean[][]> together = mutants.labelChanges(sets, 6);
            assertEquals(List.copyOf(sets.keySet()), List.copyOf(together.keySet()));
            int changed = 0;
            for (Map.Entry<String, INDArray> e : sets.entrySet()) {
                boolean[][] alone = mutants.labelChanges(e.getValue(), 6);
                assertTrue(Arrays.deepEquals(alone, together.get(e.getKey())), mutants.getClass().getSimpleName() + " " + e.getKey());
                changed += Arrays.stream(alone).mapToInt(row -> (int) java.util.stream.IntStream.range(0, row.length).filter(k -> row[k]).count()).sum();
            }
            assertTrue(changed > 0, mutants.getClass().getSimpleName() + ": no label changed, the comparison would be empty");
            // mutants 0-3 and 4-5 side by side are mutants 0-5: the detection's label-change shards
            Map<String, boolean[][]> low = mutants.labelChanges(sets, 0, 4);
            Map<String, boolean[][]> high = mutants.labelChanges(sets, 4, 6);
            for (String set : sets.keySet()) {
                boolean[][] all = together.get(set);
                for (int i = 0; i < all.length; i++) {
                    assertArrayEquals(Arrays.copyOfRange(all[i], 0, 4), low.get(set)[i], set + " input " + i + ", mutants 0-3");
                    assertArrayEquals(Arrays.copyOfRange(all[i], 4, 6), high.get(set)[i], set + " input " + i + ", mutants 4-5");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> mutants.labelChanges(sets, 4, 7), "beyond the mutants");
        }
    }
}
