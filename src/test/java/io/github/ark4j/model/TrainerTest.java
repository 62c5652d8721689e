package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.util.EntryLock;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    static LabeledImages train;
    static LabeledImages test;

    @BeforeAll
    static void data() throws IOException {
        train = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TRAIN);
        test = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST);
    }

    static TrainingConfig small(long seed, int epochs) {
        return TrainingConfig.builder(Architecture.LENET5).epochs(epochs).batchSize(64).seed(seed).build();
    }

    static double[] params(MultiLayerNetwork n) {
        return n.params().data().asDouble();
    }

    @Test
    void sameSeedSameWeightsBitForBit() throws IOException {
        LabeledImages part = train.first(640);
        double[] a = params(new Trainer(small(7, 2)).train(part, null).network());
        double[] b = params(new Trainer(small(7, 2)).train(part, null).network());
        double[] c = params(new Trainer(small(8, 2)).train(part, null).network());
        assertArrayEquals(a, b, 0.0);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void dropoutNetworkIsDeterministicToo() throws IOException {
        LabeledImages part = train.first(256);
        TrainingConfig c = TrainingConfig.builder(Architecture.PAPERNOT_MNIST).epochs(1).batchSize(64).seed(3).build();
        assertArrayEquals(params(new Trainer(c).train(part, null).network()), params(new Trainer(c).train(part, null).network()), 0.0);
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
        LabeledImages part = train.first(640);
        double[] straight = params(new Trainer(small(5, 3)).train(part, null).network());
        Path ckpt = dir.resolve("run.ckpt");
        new Trainer(small(5, 1)).checkpoint(ckpt).train(part, null); // "killed" after epoch 1
        assertEquals(1, ModelFile.readInfo(ckpt).epochsDone());
        Trainer.Result resumed = new Trainer(small(5, 3)).checkpoint(ckpt).train(part, null);
        assertEquals(2, resumed.history().size(), "only epochs 2 and 3 run again");
        assertArrayEquals(straight, params(resumed.network()), 0.0);
        assertEquals(3, ModelFile.readInfo(ckpt).epochsDone());
    }

    @Test
    void knownAnswerLeNetLearnsTheEmbeddedSubset() throws IOException {
        Trainer.Result r = new Trainer(small(1, 2)).train(train, test);
        assertTrue(r.info().testAccuracy() >= 0.90, "test accuracy " + r.info().testAccuracy());
        assertEquals(r.info().testAccuracy(), Accuracy.of(r.classifier(), test), 0.0);
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path dir) throws IOException {
        Trainer.Result r = new Trainer(small(2, 1)).train(train.first(256), test);
        Path f = dir.resolve("m.zip");
        ModelFile.save(r.network(), r.info(), f);
        ModelFile.Loaded l = ModelFile.load(f);
        assertEquals(r.info(), l.info());
        assertArrayEquals(params(r.network()), params(l.network()), 0.0);
        assertEquals(r.classifier().logits(test.first(50).features()), l.classifier().logits(test.first(50).features()));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void corruptOrForeignFilesAreClearErrors(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a model");
        IOException e1 = assertThrows(IOException.class, () -> ModelFile.load(garbage));
        assertTrue(e1.getMessage().contains(garbage.toString()) && e1.getMessage().contains("not an ark4j model"), e1.getMessage());

        Path foreign = dir.resolve("foreign.zip");
        try (FileSystem z = FileSystems.newFileSystem(URI.create("jar:" + foreign.toUri()), Map.of("create", "true"))) {
            Files.writeString(z.getPath("hello.txt"), "hi");
        }
        IOException e2 = assertThrows(IOException.class, () -> ModelFile.load(foreign));
        assertTrue(e2.getMessage().contains("ark4j.properties"), e2.getMessage());

        Trainer.Result r = new Trainer(small(2, 1)).train(train.first(128), null);
        Path truncated = dir.resolve("truncated.zip");
        ModelFile.save(r.network(), r.info(), truncated);
        byte[] b = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(b, b.length / 2));
        IOException e3 = assertThrows(IOException.class, () -> ModelFile.load(truncated));
        assertTrue(e3.getMessage().contains(truncated.toString()), e3.getMessage());
    }

    @Test
    void cacheReusesATrainedModel(@TempDir Path dir) throws IOException {
        ModelCache cache = new ModelCache(dir);
        LabeledImages part = train.first(256);
        ModelFile.Loaded first = cache.getOrTrain(small(4, 1), part, test);
        Path file = cache.pathFor(small(4, 1), part.fingerprint(), "");
        assertTrue(Files.exists(file));
        long stamp = Files.getLastModifiedTime(file).toMillis();
        ModelFile.Loaded second = cache.getOrTrain(small(4, 1), part, test);
        assertEquals(stamp, Files.getLastModifiedTime(file).toMillis(), "not retrained");
        assertArrayEquals(params(first.network()), params(second.network()), 0.0);
        assertNotEquals(file, cache.pathFor(small(5, 1), part.fingerprint(), ""));
    }

    @Test
    void corruptCachedModelOrCheckpointIsMovedAsideAndRecomputed(@TempDir Path dir) throws IOException {
        ModelCache cache = new ModelCache(dir);
        LabeledImages part = train.first(256);
        double[] good = params(cache.getOrTrain(small(12, 1), part, test).network());
        Path file = cache.pathFor(small(12, 1), part.fingerprint(), "");
        flipByteInTheMiddle(file);
        assertThrows(IOException.class, () -> ModelFile.load(file), "the flip breaks the file");
        assertArrayEquals(good, params(cache.getOrTrain(small(12, 1), part, test).network()), 0.0, "recomputed, same seed");
        assertTrue(Files.exists(file.resolveSibling(file.getFileName() + ".corrupt")), "the broken file is kept aside");
        ModelFile.load(file);

        // a broken checkpoint: the training starts afresh instead of failing on every run
        Path ckpt = dir.resolve("run.checkpoint");
        new Trainer(small(12, 1)).checkpoint(ckpt).train(part, null);
        flipByteInTheMiddle(ckpt);
        Trainer.Result r = new Trainer(small(12, 1)).checkpoint(ckpt).train(part, null);
        assertArrayEquals(good, params(r.network()), 0.0);
        assertTrue(Files.exists(dir.resolve("run.checkpoint.corrupt")));
    }

    private static void flipByteInTheMiddle(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10;
        Files.write(file, b);
    }

    @Test
    void cacheReadsTheModelsAndContinuesTheCheckpointsOfAReadOnlyLayer(@TempDir Path dir) throws IOException {
        LabeledImages part = train.first(256);
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        ModelCache maker = new ModelCache(dir.resolve("maker"));
        ModelFile.Loaded made = maker.getOrTrain(small(10, 1), part, test);
        Path model = maker.pathFor(small(10, 1), part.fingerprint(), "");
        Files.copy(model, shipped.resolve(model.getFileName()));
        ModelCache user = new ModelCache(dir.resolve("user"), List.of(shipped));
        assertArrayEquals(params(made.network()), params(user.getOrTrain(small(10, 1), part, test).network()), 0.0);
        assertFalse(Files.exists(user.pathFor(small(10, 1), part.fingerprint(), "")), "read in place, not copied");

        // A shipped checkpoint is resumed: the first epoch of a 2-epoch run, here trained on fewer images so that
        // resuming it cannot be mistaken for training from scratch.
        Path wanted = user.pathFor(small(11, 2), part.fingerprint(), "");
        LabeledImages fewer = train.first(128);
        new Trainer(small(11, 1)).checkpoint(shipped.resolve(wanted.getFileName() + ".checkpoint"))
                .train(fewer.features(), fewer.oneHot(), part.name(), null, "");
        double[] resumed = params(user.getOrTrain(small(11, 2), part, test).network());
        assertFalse(Arrays.equals(params(new Trainer(small(11, 2)).train(part, null).network()), resumed));
        assertEquals(2, ModelFile.readInfo(wanted).epochsDone());
    }

    @Test
    void cacheContinuesAShorterCachedRun(@TempDir Path dir) throws IOException {
        ModelCache cache = new ModelCache(dir);
        LabeledImages part = train.first(640);
        cache.getOrTrain(small(6, 1), part, test);
        double[] continued = params(cache.getOrTrain(small(6, 3), part, test).network());
        assertArrayEquals(params(new Trainer(small(6, 3)).train(part, null).network()), continued, 0.0,
                "continuing the cached 1-epoch run gives the 3-epoch network bit for bit");
        assertEquals(3, ModelFile.readInfo(cache.pathFor(small(6, 3), part.fingerprint(), "")).epochsDone());
        try (var s = Files.list(dir)) {
            assertEquals(2, s.filter(f -> !f.getFileName().toString().equals(EntryLock.LOCKS)).count(), "the 1- and 3-epoch models, no checkpoint left");
        }

        // The continuation really starts from the cached file: a 1-epoch model trained on fewer images, stored under the
        // 1-epoch key, leads to another 2-epoch network than training from scratch.
        Path oneEpoch = cache.pathFor(small(9, 1), part.fingerprint(), "");
        LabeledImages fewer = train.first(128);
        Trainer.Result other = new Trainer(small(9, 1)).train(fewer.features(), fewer.oneHot(), part.name(), null, "");
        ModelFile.save(other.network(), other.info(), oneEpoch);
        double[] fromOther = params(cache.getOrTrain(small(9, 2), part, test).network());
        assertFalse(Arrays.equals(params(new Trainer(small(9, 2)).train(part, null).network()), fromOther));

        // A shorter model without its updater state (as the models shipped for inference are) is not continued: its
        // continuation would lose the momentum and differ from the uninterrupted run. The longer one is trained anew.
        Path withoutUpdater = cache.pathFor(small(7, 1), part.fingerprint(), "");
        cache.getOrTrain(small(7, 1), part, test);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + withoutUpdater.toUri()), Map.of())) {
            Files.delete(zip.getPath("updaterState.bin"));
        }
        assertFalse(ModelFile.hasUpdaterState(withoutUpdater));
        assertArrayEquals(params(new Trainer(small(7, 2)).train(part, null).network()),
                params(cache.getOrTrain(small(7, 2), part, test).network()), 0.0);
    }
}
