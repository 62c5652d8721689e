package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The attacks on real MNIST against the Papernot net, CI-sized: the net is trained (seeded, 3 epochs, ≈98.8%) on
 * the full training set when ARK4J_DATA points at it (as in CI), else on the embedded 6,000-image subset, and the
 * attacks run on test images it classifies correctly. Full-size figures are in docs/benchmarks.md.
 */
class AttacksOnMnistTest {
    static NetworkClassifier model;
    static LabeledImages test;

    @BeforeAll
    static void train() throws IOException {
        LabeledImages train = Mnist.load(Mnist.Split.TRAIN);
        test = Mnist.load(Mnist.Split.TEST);
        TrainingConfig c = TrainingConfig.builder(Architecture.PAPERNOT_MNIST).epochs(3).seed(1).build();
        model = new ModelCache(Paths.get("target", "test-model-cache")).getOrTrain(c, train, test).classifier();
    }

    /** The first n test images the model classifies correctly. */
    static LabeledImages correct(int n) {
        int[] pred = model.predict(test.first(400).features());
        int[] idx = IntStream.range(0, pred.length).filter(i -> pred[i] == test.label(i)).limit(n).toArray();
        return test.select(idx);
    }

    @Test
    void fgsmAtEpsilon03DropsAccuracyBelow20Percent() {
        LabeledImages d = test.first(300);
        AttackResult r = Fgsm.builder().epsilon(0.3).build().run(model, d.features(), d.labels());
        assertTrue(r.adversarialAccuracy(d.labels()) < 0.20, "accuracy under FGSM " + r.adversarialAccuracy(d.labels()));
    }

    @Test
    void bimSucceedsAlmostAlways() {
        LabeledImages d = correct(100);
        AttackResult r = Pgd.bim().build().run(model, d.features(), d.labels());
        assertTrue(r.successRate(d.labels()) >= 0.95, "BIM success " + r.successRate(d.labels()));
        for (double li : r.linf()) {
            assertTrue(li <= 0.3 + 1e-6);
        }
    }

    @Test
    void jsmaOverAllTargetsSucceedsWithFewFeatures() {
        LabeledImages seeds = correct(10);
        int[] src = new int[90];
        int[] tgt = new int[90];
        int[] rows = new int[90];
        int k = 0;
        for (int s = 0; s < 10; s++) {
            for (int t = 0; t < 10; t++) {
                if (t != seeds.label(s)) {
                    rows[k] = s;
                    src[k] = seeds.label(s);
                    tgt[k++] = t;
                }
            }
        }
        LabeledImages pairs = seeds.select(rows);
        Jsma jsma = Jsma.builder().build();
        AttackResult r = jsma.run(model, pairs.features(), src, tgt);
        double success = r.successRate(src);
        double meanShare = java.util.Arrays.stream(r.l0()).filter(v -> v > 0).average().orElse(0) / 784;
        assertTrue(success >= 0.90, "JSMA success " + success);
        assertTrue(meanShare <= 0.06, "JSMA mean share of features changed " + meanShare);
        for (double l0 : r.l0()) {
            assertTrue(l0 <= jsma.maxChangedFeatures(784));
        }
    }
}
