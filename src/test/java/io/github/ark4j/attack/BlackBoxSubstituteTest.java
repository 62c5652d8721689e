package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.LinearSoftmax;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.*;

/** Algorithm 1 of Papernot'17 on a linear oracle: query accounting, the augmentation step and its schedule. */
class BlackBoxSubstituteTest {
    private static final long[] MNIST = {1, 28, 28};

    /** A linear oracle that counts the images it labels (all an attacker can ask of it). */
    static final class CountingOracle implements Classifier {
        final LinearSoftmax inner;
        long images;

        CountingOracle(long seed) {
            Nd4j.getRandom().setSeed(seed);
            inner = new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 10, 784), Nd4j.randn(DataType.DOUBLE, 10).muli(0.1), MNIST);
        }

        public int classes() {
            return 10;
        }

        public long[] inputShape() {
            return MNIST.clone();
        }

        public INDArray logits(INDArray x) {
            images += x.size(0);
            return inner.logits(x);
        }

        public INDArray logitGradient(INDArray x, INDArray w) {
            throw new AssertionError("a black-box attack must not ask the oracle for gradients");
        }

        public INDArray lossGradient(INDArray x, INDArray labels, double t) {
            throw new AssertionError("a black-box attack must not ask the oracle for gradients");
        }

        public INDArray probabilityGradient(INDArray x, int[] c, double t) {
            throw new AssertionError("a black-box attack must not ask the oracle for gradients");
        }

        public INDArray logitJacobian(INDArray x) {
            throw new AssertionError("a black-box attack must not ask the oracle for gradients");
        }

        public INDArray probabilityJacobian(INDArray x, double t) {
            throw new AssertionError("a black-box attack must not ask the oracle for gradients");
        }
    }

    private static INDArray images(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 1, 28, 28);
    }

    @Test
    void roundsDoubleTheSetAndOnlyNewImagesAreQueried() {
        CountingOracle oracle = new CountingOracle(3);
        BlackBoxSubstitute.Substitute s = BlackBoxSubstitute.builder().rounds(3).epochsPerRound(2).build().train(oracle, images(20, 4));
        assertEquals(20 * 4, s.trainingQueries(), "|S0|·2^(rho-1) queries");
        assertEquals(s.trainingQueries(), oracle.images, "queries reported = images the oracle labelled");
        assertArrayEquals(new int[]{20, 40, 80}, s.rounds().stream().mapToInt(BlackBoxSubstitute.Round::trainingSetSize).toArray());
        assertArrayEquals(new int[]{40, 80, 80}, s.rounds().stream().mapToInt(BlackBoxSubstitute.Round::queries).toArray());

        INDArray x = images(30, 5);
        int[] labels = oracle.inner.predict(x);
        oracle.images = 0;
        AttackResult r = s.run(oracle, x, labels);
        assertEquals(2 * 30, oracle.images, "one query before and one after the attack per image");
        for (int i = 0; i < r.size(); i++) {
            assertTrue(r.linf()[i] <= 0.3 + 1e-6, "FGSM budget on the substitute");
            assertEquals(r.success()[i], r.after()[i] != labels[i]);
        }
    }

    @Test
    void augmentationStepsEveryPixelByLambdaAlongTheSubstitutesGradient() {
        CountingOracle oracle = new CountingOracle(7);
        BlackBoxSubstitute attack = BlackBoxSubstitute.builder().rounds(1).epochsPerRound(2).build();
        BlackBoxSubstitute.Substitute s = attack.train(oracle, images(16, 8));
        INDArray x = Nd4j.valueArrayOf(new long[]{16, 1, 28, 28}, 0.5f);
        int[] labels = oracle.inner.predict(x);
        INDArray g = s.model().probabilityGradient(x, labels, 1.0);
        for (double step : new double[]{0.1, -0.1}) {
            INDArray d = attack.augment(s.model(), x, labels, step).sub(x);
            INDArray moved = Transforms.abs(d, true).gt(1e-6).castTo(DataType.DOUBLE);
            INDArray nonzeroGradient = Transforms.abs(g, true).gt(0).castTo(DataType.DOUBLE);
            assertEquals(nonzeroGradient.sumNumber().doubleValue(), moved.sumNumber().doubleValue(), "a pixel moves iff its gradient is non-zero");
            assertEquals(0.1, Transforms.abs(d, true).maxNumber().doubleValue(), 1e-6, "each step is exactly lambda");
            assertTrue(d.mul(g).mul(Math.signum(step)).minNumber().doubleValue() >= 0, "the step follows sign(lambda_rho)·sign(gradient)");
        }
    }

    @Test
    void stepChangesSignEveryTauRounds() {
        BlackBoxSubstitute a = BlackBoxSubstitute.builder().lambda(0.1).tau(3).build();
        double[] expected = {0.1, 0.1, 0.1, -0.1, -0.1, -0.1, 0.1};
        for (int rho = 0; rho < expected.length; rho++) {
            assertEquals(expected[rho], a.stepOfRound(rho), 0);
        }
    }

    @Test
    void badParametersNameThemselves() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlackBoxSubstitute.builder().lambda(0)).getMessage().contains("lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlackBoxSubstitute.builder().epsilon(Double.NaN)).getMessage().contains("epsilon"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlackBoxSubstitute.builder().rounds(0)).getMessage().contains("rounds"));
        CountingOracle oracle = new CountingOracle(1);
        INDArray cifarShaped = Nd4j.rand(DataType.FLOAT, 4, 3, 32, 32);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlackBoxSubstitute.builder().build().train(oracle, cifarShaped))
                .getMessage().contains("seedImages"));
    }
}
