package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.experiment.JsmaGrid;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The attacks on real MNIST against the Papernot net, CI-sized: the net is trained (seeded, 3 epochs, 98.6%) on
 * the full training set when ARK4J_DATA points at it (as in CI), else on the embedded 6,000-image subset, and the
 * attacks run on test images it classifies correctly. Full-size figures are in
 * results/full/ and docs/known-differences.md: there the 10-epoch net (99.4%) keeps 33–41% accuracy under FGSM ε = 0.3 (18.9% along the exact
 * direction), and over all 900 source-target pairs of 100 seeds JSMA-Z reaches 84.4% at 6.67% of the pixels (paper:
 * 97%, 4.02%) while JSMA-F reaches 95.3% at 5.32%.
 */
@Tag("slow")
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
    void fgsmAtEpsilon03RemovesMostOfTheAccuracy() {
        LabeledImages d = test.first(300);
        AttackResult r = Fgsm.builder().epsilon(0.3).build().run(model, d.features(), d.labels());
        double clean = io.github.ark4j.model.Accuracy.of(model, d);
        assertTrue(clean > 0.95, "clean accuracy " + clean);
        assertTrue(r.adversarialAccuracy(d.labels()) < 0.30, "accuracy under FGSM " + r.adversarialAccuracy(d.labels()));
        for (double li : r.linf()) {
            assertTrue(li <= 0.3 + 1e-6, "L-inf budget");
        }
        // the clean predictions come from the gradient's forward pass (the logits twin): the network's own labels
        assertArrayEquals(model.predict(d.features()), r.before());
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

    /** JSMA over all nine targets of 10 correctly classified seeds (90 attacks), with the budget checked. */
    private static JsmaGrid.Result allPairs(Jsma jsma) {
        JsmaGrid.Result g = JsmaGrid.run(model, correct(10), jsma);
        AttackResult r = g.attack();
        for (int i = 0; i < r.size(); i++) {
            assertTrue(r.l0()[i] <= jsma.maxChangedFeatures(784), "gamma budget");
            assertEquals(r.success()[i], r.after()[i] == g.targets()[i], "success means the target was reached");
        }
        return g;
    }

    @Test
    void jsmaOnProbabilitiesSucceedsOverAllTargetsWithFewFeatures() {
        JsmaGrid.Result g = allPairs(Jsma.builder().output(Jsma.Output.PROBABILITIES).build());
        assertTrue(g.successRate() >= 0.90, "JSMA-F success " + g.successRate());
        assertTrue(g.meanShareChanged() <= 0.06, "JSMA-F mean share of features changed " + g.meanShareChanged());
    }

    @Test
    void jsmaOnLogitsSucceedsMostlyOverAllTargets() {
        JsmaGrid.Result g = allPairs(Jsma.builder().build());
        assertTrue(g.successRate() >= 0.70, "JSMA-Z success " + g.successRate());
        assertTrue(g.meanShareChanged() <= 0.09, "JSMA-Z mean share of features changed " + g.meanShareChanged());
    }

    @Test
    void carliniWagnerSucceedsOnEveryTargetWithSmallL2() {
        LabeledImages d = correct(10);
        int[] t = Jsma.randomTargets(d.labels(), 10, 3);
        AttackResult r = CarliniWagnerL2.builder().binarySteps(6).iterations(300).build().run(model, d.features(), d.labels(), t);
        assertEquals(1.0, r.successRate(d.labels()), "C&W success");
        double meanL2 = java.util.Arrays.stream(r.l2()).average().orElse(0);
        // the paper's 1.76 ± 35% (docs/papers.md: MNIST, random targets), on a CI-sized search
        assertTrue(meanL2 > 1.76 * 0.65 && meanL2 < 1.76 * 1.35, "C&W mean L2 " + meanL2);
    }

    @Test
    void deepFoolCrossesTheBoundaryWithLessL2ThanFgsm() {
        LabeledImages d = correct(50);
        AttackResult r = DeepFool.builder().build().run(model, d.features(), d.labels());
        assertTrue(r.successRate(d.labels()) >= 0.98, "DeepFool success " + r.successRate(d.labels()));
        double meanL2 = java.util.Arrays.stream(r.l2()).average().orElse(0);
        assertTrue(meanL2 < 3.0, "DeepFool mean L2 " + meanL2 + " (IBM ART on the same architecture: 2.16)");
    }

    /**
     * Papernot'17: a substitute trained from 150 seed images and 4,800 oracle labels transfers FGSM ε = 0.3 to the
     * oracle (paper: over 80% on its MNIST oracles, substitute accuracy 81.2%), evaluated on other test images, far
     * more often than random signs of the same size do. Measured here: agreement 80.0%, transfer 24.1%, random 0.3%.
     */
    @Test
    void blackBoxSubstituteTransfersFgsmToTheOracle() {
        BlackBoxSubstitute.Substitute s = BlackBoxSubstitute.builder().build().train(model, test.first(150).features());
        assertEquals(150 * 32, s.trainingQueries());
        LabeledImages held = test.select(IntStream.range(150, 450).toArray());
        double agreement = s.agreement(model, held.features());
        AttackResult r = s.run(model, held.features(), held.labels());
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
        org.nd4j.linalg.api.ndarray.INDArray noise = org.nd4j.linalg.factory.Nd4j.rand(held.features().dataType(), held.features().shape())
                .gt(0.5).castTo(held.features().dataType()).muli(0.6).subi(0.3);
        int[] noisy = model.predict(Steps.clip(noise.addi(held.features())));
        double randomSignRate = IntStream.range(0, noisy.length).filter(i -> r.before()[i] == held.label(i) && noisy[i] != held.label(i)).count()
                / (double) IntStream.range(0, noisy.length).filter(i -> r.before()[i] == held.label(i)).count();
        System.out.printf("black-box: agreement %.3f, transfer %.3f, random signs %.3f%n", agreement, r.successRate(held.labels()), randomSignRate);
        assertTrue(agreement >= 0.70, "substitute agreement with the oracle " + agreement);
        assertTrue(r.successRate(held.labels()) >= Math.max(0.15, 10 * randomSignRate),
                "transfer rate " + r.successRate(held.labels()) + " (random signs of the same size: " + randomSignRate + ")");
    }
}
