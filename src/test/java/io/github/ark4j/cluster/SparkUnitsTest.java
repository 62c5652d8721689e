package io.github.ark4j.cluster;

import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.DistillationShard;
import io.github.ark4j.experiment.ModelUnit;
import io.github.ark4j.experiment.MutationStageUnit;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Unit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The order in which the cluster runner submits units: every unit after the units it reads. */
class SparkUnitsTest {

    @Test
    void aUnitRunsAfterTheUnitsItReadsWhichJoinTheRun() {
        Unit shard = new DistillationShard(Profile.FULL, Dataset.CIFAR10, 100, 3);
        Unit labels = new MutationStageUnit(Profile.QUICK, Dataset.MNIST, MutationStageUnit.Kind.LABEL_CHANGES, "GF", 0);
        List<Unit> order = SparkUnits.withReads(List.of(shard, labels));
        // the T = 100 pair, the shard; LeNet-5, the five adversarial groups, GF's mutants, the label changes
        assertEquals(1 + 1 + 1 + 5 + 1 + 1, order.size(), order.toString());
        assertEquals(ModelUnit.distilled(Profile.FULL, Dataset.CIFAR10, 100), order.get(0));
        assertEquals(shard, order.get(1));
        assertEquals(ModelUnit.lenet5(Profile.QUICK), order.get(2));
        assertEquals(labels, order.get(order.size() - 1));
        for (int i = 0; i < order.size(); i++) {
            for (Unit read : order.get(i).reads()) {
                assertTrue(order.indexOf(read) < i, order.get(i).name() + " after " + read.name());
                assertTrue(read.phase() < order.get(i).phase());
            }
        }
        assertEquals(List.of(0, 1, 0, 1, 1, 1, 1, 1, 1, 2), order.stream().map(Unit::phase).toList());
        assertEquals(order, SparkUnits.withReads(order), "a unit listed twice runs once");
    }

    @Test
    void aStageUnitNamesWhatItComputes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MutationStageUnit(Profile.QUICK, Dataset.CIFAR10, MutationStageUnit.Kind.ADVERSARIAL, "black-box"));
        assertEquals("name: expected one of [FGSM, JSMA, DeepFool, C&W] for ADVERSARIAL, got black-box", e.getMessage());
        assertEquals("mutation-cifar10 full: label changes of the input mutants 401-500",
                new MutationStageUnit(Profile.FULL, Dataset.CIFAR10, MutationStageUnit.Kind.LABEL_CHANGES, "input", 4).name());
        assertThrows(IllegalArgumentException.class, () -> new MutationStageUnit(Profile.FULL, Dataset.MNIST, MutationStageUnit.Kind.MUTANTS, "GF", 1));
        // the full profile's 1,000 seeds and 500 mutants per source in shards of 100: 4 attacks x 10, 4 operators, 5 x 5 label changes
        assertEquals(40 + 4 + 25, new io.github.ark4j.experiment.MutationDetection(Dataset.CIFAR10).units(Profile.FULL).size() - 1);
        assertEquals("mutation-mnist full: C&W adversarial inputs from seeds 901-1000",
                new MutationStageUnit(Profile.FULL, Dataset.MNIST, MutationStageUnit.Kind.ADVERSARIAL, "C&W", 9).name());
    }
}
