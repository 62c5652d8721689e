package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.defense.DistillationMetrics;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.util.StageCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The distillation sweep's measurement in shards: together the measurement of all images at once, kept as stages. */
class DistillationShardTest {

    @Test
    void shardsTogetherAreTheWholeMeasurementBitForBitAndAreKept(@TempDir Path dir) throws IOException {
        NetworkClassifier model = Profile.QUICK.papernotMnist();
        LabeledImages attacked = Accuracy.correctlyClassified(model, Profile.QUICK.test(Dataset.MNIST), 150);
        StageCache stages = new StageCache(dir);
        DistillationShard.Measured first = DistillationShard.measure(model, attacked, 0, stages);
        DistillationShard.Measured second = DistillationShard.measure(model, attacked, 1, stages);
        assertEquals(100, first.jsmaFSuccess().length);
        assertEquals(50, second.jsmaFSuccess().length);

        int[] targets = Jsma.randomTargets(attacked.labels(), attacked.classes(), 1);
        DistillationMetrics.JsmaF f = DistillationMetrics.jsmaF(model, attacked, targets);
        boolean[] success = new boolean[150];
        System.arraycopy(first.jsmaFSuccess(), 0, success, 0, 100);
        System.arraycopy(second.jsmaFSuccess(), 0, success, 100, 50);
        assertArrayEquals(f.success(), success);
        assertArrayEquals(f.l0(), DoubleStream.concat(Arrays.stream(first.jsmaFL0()), Arrays.stream(second.jsmaFL0())).toArray());
        AttackResult z = Jsma.builder().build().runInBatches(model, attacked.features(), attacked.labels(), targets, 100);
        assertEquals(z.successRate(attacked.labels()), (first.jsmaZSuccesses() + second.jsmaZSuccesses())
                / (double) (first.jsmaZAttempted() + second.jsmaZAttempted()));
        DistillationMetrics.Amplitude a = DistillationMetrics.gradientAmplitude(model, attacked.first(100).features());
        assertArrayEquals(a.log10Mean(), first.amplitude().log10Mean());
        assertEquals(a.float32ZeroShare(), first.amplitude().float32ZeroShare());
        assertNull(second.amplitude(), "the gradient measures are taken on the first 100 images only");
        assertTrue(Double.isNaN(second.logitL1()));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("distillation-shard-")).count());
        }
        DistillationShard.Measured again = DistillationShard.measure(model, attacked, 1, stages);
        assertArrayEquals(second.jsmaFL0(), again.jsmaFL0(), "read back from its stage file");
        assertEquals(second.jsmaZSuccesses(), again.jsmaZSuccesses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistillationShard.measure(model, attacked, 2, stages));
        assertTrue(e.getMessage().contains("shard: expected below 2"), e.getMessage());
    }

    @Test
    void theSweepsUnitsAreItsModelsThenTheirShards() {
        List<Unit> units = new Distillation(Dataset.MNIST, new double[]{20, 100}).units(Profile.FULL);
        // the baseline and two teacher-student pairs; 1,000 attacked images per model in shards of 100
        assertEquals(3 + 3 * 10, units.size());
        assertEquals(3, units.stream().filter(u -> u.phase() == 0).count());
        assertTrue(units.stream().filter(u -> u.phase() == 1).allMatch(u -> u instanceof DistillationShard));
        assertEquals(new DistillationShard(Profile.FULL, Dataset.MNIST, 100, 9), units.get(units.size() - 1));
        assertEquals("distillation-mnist full T=100 student: JSMA-F and JSMA-Z on attacked images 901-1000", units.get(units.size() - 1).name());
    }
}
