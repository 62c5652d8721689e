package io.github.ark4j.experiment;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.StageCache;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The detection experiment's kept stages read back as they were written; its FGSM step in pixel units. */
class MutationDetectionStagesTest {

    @Test
    void fgsmStepIsThePapersNormalisedStepOnPixels() {
        // 0.35 and 0.03 are steps on inputs divided by the data's standard deviation: on pixels they shrink by it
        assertEquals(0.35 * 0.3081, new MutationDetection(Dataset.MNIST).fgsmEpsilon(), 5e-5);
        assertEquals(0.03 * (0.247 + 0.243 + 0.261) / 3, new MutationDetection(Dataset.CIFAR10).fgsmEpsilon(), 5e-5);
        assertEquals("0.1078", Double.toString(new MutationDetection(Dataset.MNIST).fgsmEpsilon()));
        assertEquals("0.0075", Double.toString(new MutationDetection(Dataset.CIFAR10).fgsmEpsilon()));
    }

    @Test
    void labelChangesAndMutantSetsRoundTrip(@TempDir Path dir) throws IOException {
        StageCache cache = new StageCache(dir);
        Map<String, boolean[][]> changes = new LinkedHashMap<>();
        changes.put("normal", new boolean[][]{{true, false, false}, {false, false, true}});
        changes.put("empty", new boolean[0][]);
        changes.put(" calibration", new boolean[][]{{false, true, true}});
        cache.getOrCompute("changes", "k", MutationStageCodecs.LABEL_CHANGES, () -> changes);
        Map<String, boolean[][]> back = cache.getOrCompute("changes", "k", MutationStageCodecs.LABEL_CHANGES, () -> fail("not kept"));
        assertEquals(changes.keySet().stream().toList(), back.keySet().stream().toList());
        changes.forEach((k, v) -> assertTrue(Arrays.deepEquals(v, back.get(k)), k));

        LabeledImages adv = new LabeledImages("JSMA adversarial", Nd4j.rand(DataType.FLOAT, 3, 1, 4, 4), new int[]{2, 0, 9}, 10);
        cache.getOrCompute("adv", "k", MutationStageCodecs.ADVERSARIAL, () -> adv);
        LabeledImages advBack = cache.getOrCompute("adv", "k", MutationStageCodecs.ADVERSARIAL, () -> fail("not kept"));
        assertEquals(adv.features(), advBack.features());
        assertArrayEquals(adv.labels(), advBack.labels());
        assertEquals(adv.name(), advBack.name());
        LabeledImages none = new LabeledImages("C&W adversarial", Nd4j.create(DataType.FLOAT, 0, 1, 4, 4), new int[0], 10);
        cache.getOrCompute("none", "k", MutationStageCodecs.ADVERSARIAL, () -> none);
        LabeledImages noneBack = cache.getOrCompute("none", "k", MutationStageCodecs.ADVERSARIAL, () -> fail("not kept"));
        assertEquals(0, noneBack.size());
        assertArrayEquals(new long[]{0, 1, 4, 4}, noneBack.features().shape());

        Architecture a = Architecture.LENET5;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 5, DataType.FLOAT));
        net.init();
        NetworkClassifier model = new NetworkClassifier(net, a);
        MutantSet set = MutantSet.of(model, ModelMutation.GF, 0.05, new long[]{3, 8, 12}, new double[]{0.91, 0.95, 0.9}, 0.97, 14);
        var codec = MutationStageCodecs.mutantSetCodec(model, ModelMutation.GF, 0.05);
        cache.getOrCompute("mutants", "k", codec, () -> set);
        MutantSet read = cache.getOrCompute("mutants", "k", codec, () -> fail("not kept"));
        assertArrayEquals(set.seeds(), read.seeds());
        assertArrayEquals(set.accuracies(), read.accuracies());
        assertEquals(0.97, read.originalAccuracy());
        assertEquals(14, read.drawn());
        assertEquals(ModelMutation.GF, read.operator());
        assertEquals(0, read.mutant(1).network().params().sub(set.mutant(1).network().params().dup()).amaxNumber().doubleValue(),
                "the same mutant from the same seed");
    }

    /** The quick MNIST detection's stages over the shipped LeNet-5, kept in {@code dir}, in shards of {@code shardSize}. */
    private static MutationStages quickMnist(Path dir, int shardSize) throws IOException {
        LabeledImages test = Profile.QUICK.test(Dataset.MNIST);
        return new MutationStages(new MutationDetection(Dataset.MNIST), new StageCache(dir), Profile.QUICK.lenet5(), test, test, Profile.QUICK, shardSize);
    }

    @Test
    void labelChangesInShardsOfMutantsAreTheChangesOfAllMutantsAtOnce(@TempDir Path dir) throws IOException {
        LabeledImages test = Profile.QUICK.test(Dataset.MNIST);
        MutationResults.Groups groups = new MutationResults.Groups(
                new LinkedHashMap<>(Map.of("normal", test.first(40), "FGSM", test.select(new int[]{50, 51, 52, 53}))), Map.of());
        LabeledImages calibration = test.select(new int[]{60, 61, 62});
        // the quick profile's 50 mutants in shards of 20, 20 and 10
        Map<String, boolean[][]> sharded = quickMnist(dir, 20).labelChanges("NAI", groups, calibration);
        Map<String, boolean[][]> whole = quickMnist(dir, 50).labelChanges("NAI", groups, calibration);
        assertEquals(whole.keySet(), sharded.keySet());
        int changed = 0;
        for (String g : whole.keySet()) {
            assertTrue(Arrays.deepEquals(whole.get(g), sharded.get(g)), g);
            for (boolean[] row : whole.get(g)) {
                assertEquals(50, row.length);
                for (boolean b : row) {
                    changed += b ? 1 : 0;
                }
            }
        }
        assertTrue(changed > 0, "no label changed: the comparison would be empty");
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(3 + 1, files.filter(p -> p.getFileName().toString().startsWith("NAI-label-changes-")).count(),
                    "three shards and one of all 50 mutants kept");
        }
    }

    @Test
    void adversarialInputsInShardsOfSeedsAreOneRunOverAllSeeds(@TempDir Path dir) throws IOException {
        // the quick profile's 100 seeds in shards of 30, 30, 30 and 10
        MutationStages sharded = quickMnist(dir, 30);
        MutationStages whole = quickMnist(dir, 100);
        for (String group : java.util.List.of("FGSM", "JSMA")) {
            LabeledImages a = sharded.adversarial(group);
            LabeledImages b = whole.adversarial(group);
            assertTrue(b.size() > 10, group + ": too few successes to compare, " + b.size());
            assertEquals(b.features(), a.features(), group);
            assertArrayEquals(b.labels(), a.labels(), group);
            assertEquals(b.name(), a.name());
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(4 + 1, files.filter(p -> p.getFileName().toString().startsWith("JSMA-adversarial-")).count(), "four shards and one of all seeds kept");
        }
    }
}
