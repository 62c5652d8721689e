package io.github.ark4j.experiment;

import io.github.ark4j.data.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproductionTest {
    @TempDir
    Path root;

    @AfterEach
    void clearDataRoot() {
        System.clearProperty(DataDirectory.PROPERTY);
    }

    private static List<String> names(List<Experiment> experiments) {
        return experiments.stream().map(Experiment::name).toList();
    }

    @Test
    void withoutCifarTheCifarExperimentsAreSkippedUnlessNamed() throws IOException {
        Files.createDirectories(root.resolve("mnist"));
        System.setProperty(DataDirectory.PROPERTY, root.toString());
        List<String> planned = names(Reproduction.plan(List.of()));
        assertEquals(List.of("fgsm-mnist", "jsma-mnist", "distillation-mnist", "distillation-not-robust-mnist", "mutation-mnist"), planned);
        // named explicitly, it runs (and fails on the missing data with the loader's message)
        assertEquals(List.of("distillation-cifar10"), names(Reproduction.plan(List.of("distillation-cifar10"))));
    }

    @Test
    void withCifarEveryExperimentIsPlannedInNotebookOrder() throws IOException {
        Files.createDirectories(root.resolve("mnist"));
        Files.createDirectories(root.resolve("cifar-10").resolve("cifar-10-batches-bin"));
        System.setProperty(DataDirectory.PROPERTY, root.toString());
        List<String> planned = names(Reproduction.plan(List.of()));
        assertEquals(7, planned.size());
        assertTrue(planned.containsAll(List.of("distillation-cifar10", "mutation-cifar10")));
    }

    @Test
    void chosenTemperaturesReplaceTheProfilesInBothSweepsOnly() {
        List<Experiment> planned = Reproduction.plan(List.of("distillation-cifar10", "distillation-mnist", "mutation-mnist"), new double[]{100, 20, 100});
        assertArrayEquals(new double[]{20, 100}, ((Distillation) planned.get(0)).temperatures(Profile.FULL));
        assertArrayEquals(new double[]{20, 100}, ((Distillation) planned.get(1)).temperatures(Profile.QUICK));
        assertEquals("mutation-mnist", planned.get(2).name());
        Distillation profiles = (Distillation) Reproduction.plan(List.of("distillation-cifar10")).get(0);
        assertArrayEquals(Profile.FULL.temperatures(Dataset.CIFAR10), profiles.temperatures(Profile.FULL));
    }

    @Test
    void theUnitsAreEachModelOnceWithTheExperimentsOwnSettings() {
        List<String> all = Reproduction.all().stream().map(Experiment::name).toList();
        List<Unit> units = new Reproduction(Profile.QUICK, root, new double[]{20, 100}).units(all);
        Profile q = Profile.QUICK;
        List<Unit> models = units.stream().filter(u -> u instanceof ModelUnit).toList();
        assertEquals(List.of(
                ModelUnit.undistilled(q, Dataset.MNIST), ModelUnit.lenet5(q),
                ModelUnit.distilled(q, Dataset.MNIST, 20), ModelUnit.distilled(q, Dataset.MNIST, 100),
                ModelUnit.undistilled(q, Dataset.CIFAR10), ModelUnit.distilled(q, Dataset.CIFAR10, 20), ModelUnit.distilled(q, Dataset.CIFAR10, 100)),
                models, "fgsm and jsma share the MNIST net, not-robust the T = 100 models of the sweep: each model is one unit");
        assertEquals(new ModelUnit(q, Dataset.MNIST.papernot(), Dataset.MNIST, 100, 8), models.get(3), "the profile's 8 distillation epochs");
        // per sweep, three models measured in one shard each (100 and 30 attacked images); the detection stages: MNIST's five
        // adversarial groups, CIFAR-10's four, four operators' mutants and five sources' label changes each
        assertEquals(2 * 3, units.stream().filter(u -> u instanceof DistillationShard).count());
        assertEquals(5 + 4 + 2 * (4 + 5), units.stream().filter(u -> u instanceof MutationStageUnit).count());
        assertEquals(units.size(), new java.util.HashSet<>(units).size(), "each unit once");
    }

    @Test
    void aModelUnitRejectsEpochsAndTemperaturesOutOfRange() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, 20, 0))
                .getMessage().contains("epochs: expected at least 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelUnit(Profile.QUICK, Dataset.MNIST.papernot(), Dataset.MNIST, -1, 1))
                .getMessage().contains("temperature: expected a finite number > 0"));
    }

    @Test
    void aTemperatureThatIsNotPositiveIsRejectedByName() {
        for (double bad : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Reproduction.plan(List.of("distillation-mnist"), new double[]{20, bad}));
            assertTrue(e.getMessage().contains("temperatures") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Distillation(Dataset.MNIST, new double[0]));
    }

    @Test
    void anUnknownNameIsRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reproduction.plan(List.of("fgsm-cifar")));
        assertTrue(e.getMessage().contains("fgsm-cifar") && e.getMessage().contains("mutation-cifar10"), e.getMessage());
    }

    @Test
    void theIndexMarksAReportOfTheEarlierClaimFormat() throws IOException {
        Files.createDirectories(root.resolve("mutation-cifar10"));
        Files.writeString(root.resolve("mutation-cifar10").resolve("claims.csv"), "quantity,paper,this run,tolerance,status\nAUROC FGSM,0.8956,0.5650,≥ 0.85,FAIL\n");
        Files.createDirectories(root.resolve("mutation-mnist"));
        Files.writeString(root.resolve("mutation-mnist").resolve("claims.csv"),
                "quantity,published,peer measurement,our target,this run,95% interval,N,tolerance,verdict\nAUROC FGSM,0.9744,,,0.9461,,1227,≥ 0.9000,pass\n");
        new Reproduction(Profile.FULL, root, null).writeIndex();
        String index = Files.readString(root.resolve("README.md"));
        int old = index.indexOf("## [mutation-cifar10]");
        int current = index.indexOf("## [mutation-mnist]");
        assertTrue(old >= 0 && current > old, index);
        assertTrue(index.substring(old, current).contains("An earlier format") && index.substring(old, current)
                .contains("./ark4j reproduce --profile full --only mutation-cifar10"), index);
        assertTrue(!index.substring(current).contains("An earlier format"), index);
    }

    @Test
    void profilesSizeCifarSeparatelyFromMnist() {
        assertEquals(10_000, Profile.QUICK.sizes(Dataset.CIFAR10).trainImages());
        assertEquals(6_000, Profile.QUICK.sizes(Dataset.MNIST).trainImages());
        assertEquals(9, Profile.FULL.temperatures(Dataset.CIFAR10).length);
        assertEquals(100, Profile.QUICK.temperatures(Dataset.CIFAR10)[Profile.QUICK.temperatures(Dataset.CIFAR10).length - 1]);
    }
}
