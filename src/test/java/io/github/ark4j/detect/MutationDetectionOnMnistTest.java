package io.github.ark4j.detect;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The quick-profile claim of Wang et al. (docs/papers.md [2]) on a fixed seed: LeNet-5 trained on the first 6,000 MNIST
 * images, real FGSM and JSMA samples, 40 accurate mutants per operator at rate 0.05: NAI and GF separate JSMA samples
 * from normal inputs by their label change rate with AUROC ≥ 0.9 and the normal rate is well below the adversarial.
 * FGSM at ε = 0.35 pushes many samples far past the boundary, where mutants rarely flip them back: its AUROC on this
 * quick model is 0.81-0.84 (paper, full model: 0.974), asserted here at ≥ 0.75 — the gap is reported, not hidden.
 */
@Tag("slow")
class MutationDetectionOnMnistTest {
    static NetworkClassifier model;
    static LabeledImages normal;
    static LabeledImages fgsm;
    static LabeledImages jsma;
    static LabeledImages validation;

    @BeforeAll
    static void prepare() throws IOException {
        LabeledImages train = Mnist.load(Mnist.Split.TRAIN).first(6000);
        LabeledImages test = Mnist.load(Mnist.Split.TEST).first(1000);
        model = new ModelCache(Paths.get("target", "test-model-cache"))
                .getOrTrain(TrainingConfig.builder(Architecture.LENET5).epochs(8).seed(1).build(), train, test).classifier();
        validation = test.first(500);
        LabeledImages correct = Accuracy.correctlyClassified(model, test, 200);
        normal = correct.first(100);
        LabeledImages seeds = correct.select(IntStream.range(100, 200).toArray());
        fgsm = successful(Fgsm.builder().epsilon(0.35).build().run(model, seeds.features(), seeds.labels()), seeds);
        jsma = successful(Jsma.builder().gamma(0.12).build().run(model, seeds.features(), seeds.labels(),
                Jsma.randomTargets(seeds.labels(), 10, 1)), seeds);
    }

    private static LabeledImages successful(AttackResult r, LabeledImages seeds) {
        int[] ok = IntStream.range(0, r.size()).filter(i -> r.success()[i]).toArray();
        assertTrue(ok.length >= 30, "enough successful attacks: " + ok.length);
        return new LabeledImages("adversarial", r.adversarial(), seeds.labels(), 10).select(ok);
    }

    @Test
    void naiAndGfSeparateAdversarialFromNormalInputs() {
        for (ModelMutation op : new ModelMutation[]{ModelMutation.NAI, ModelMutation.GF}) {
            MutantSet mutants = MutantSet.generate(model, op, 0.05, 40, 800, 0.9, validation);
            assertEquals(40, mutants.size(), op + " accepted mutants");
            for (double a : mutants.accuracies()) {
                assertTrue(a >= 0.9 * mutants.originalAccuracy(), "accuracy filter");
            }
            double[] lcrNormal = mutants.labelChangeRate(normal.features(), 40);
            double meanNormal = Arrays.stream(lcrNormal).average().orElseThrow();
            double[] lcrJsma = mutants.labelChangeRate(jsma.features(), 40);
            double[] lcrFgsm = mutants.labelChangeRate(fgsm.features(), 40);
            assertTrue(Roc.auc(lcrJsma, lcrNormal) >= 0.9, op + " AUROC JSMA " + Roc.auc(lcrJsma, lcrNormal));
            assertTrue(Roc.auc(lcrFgsm, lcrNormal) >= 0.75, op + " AUROC FGSM " + Roc.auc(lcrFgsm, lcrNormal));
            for (double[] adv : new double[][]{lcrJsma, lcrFgsm}) {
                double meanAdv = Arrays.stream(adv).average().orElseThrow();
                assertTrue(meanNormal * 3 < meanAdv, op + " LCR normal " + meanNormal + " vs adversarial " + meanAdv);
            }
        }
    }

    @Test
    void accurateMutantsAreRegeneratedFromTheirSeeds() {
        MutantSet a = MutantSet.generate(model, ModelMutation.NAI, 0.05, 5, 100, 0.9, validation);
        MutantSet b = MutantSet.generate(model, ModelMutation.NAI, 0.05, 5, 100, 0.9, validation);
        assertArrayEquals(a.seeds(), b.seeds());
        for (int k = 0; k < a.size(); k++) {
            assertArrayEquals(a.labels(k, normal.features()), b.labels(k, normal.features()), "mutant " + k);
        }
        assertArrayEquals(Accuracy.predictions(model, normal.features()), a.reference(normal.features()), "the original is untouched");
    }

    @Test
    void oneInputAtATimeMatchesTheBatchedDetectorOnRealMutants() {
        MutantSet mutants = MutantSet.generate(model, ModelMutation.GF, 0.05, 60, 1200, 0.9, validation);
        MutationDetector detector = MutationDetector.forNormalRate(0.03, 1.2, mutants.size());
        INDArray x = Nd4j.concat(0, normal.first(10).features(), jsma.first(10).features());
        MutationDetector.Result batched = detector.detect(mutants, x);
        MutationDetector.Result single = detector.detectOneAtATime(mutants, x);
        assertArrayEquals(batched.decisions(), single.decisions());
        assertArrayEquals(batched.mutantsUsed(), single.mutantsUsed());
        assertTrue(Arrays.stream(batched.decisions()).skip(10).filter(d -> d == Sprt.Decision.ADVERSARIAL).count() >= 5,
                "JSMA inputs declared adversarial: " + Arrays.toString(batched.decisions()));
    }
}
