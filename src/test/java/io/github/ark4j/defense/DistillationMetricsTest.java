package io.github.ark4j.defense;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.model.TemperatureCrossEntropy;
import io.github.ark4j.model.LinearSoftmax;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.*;

class DistillationMetricsTest {
    private static final long[] SHAPE = {1, 8, 8};

    private static LinearSoftmax model(double scale) {
        Nd4j.getRandom().setSeed(3);
        return new LinearSoftmax(Nd4j.randn(DataType.DOUBLE, 10, 64).muli(0.5 * scale), Nd4j.zeros(DataType.DOUBLE, 10), SHAPE);
    }

    private static INDArray inputs() {
        Nd4j.getRandom().setSeed(4);
        return Nd4j.rand(DataType.DOUBLE, 20, 1, 8, 8);
    }

    /**
     * Naive reference: log10 of mean_{j,i} |∂F_j/∂x_i| from the double probability Jacobian p_j(δ_jk − p_k)·W_k. Exact
     * while 1 − p_max is representable; in saturation it cancels to 0, which is why the library does not compute it so.
     */
    private static double[] naive(LinearSoftmax m, INDArray x) {
        INDArray j = m.probabilityJacobian(x, 1).reshape(x.size(0), -1);
        return Transforms.log(Transforms.abs(j, true).mean(1), false).divi(Math.log(10)).toDoubleVector();
    }

    /**
     * Scalar reference in plain loops for one sample: with c the top class and e_k = exp(z_k − z_second) (k ≠ c),
     * ∂F_c/∂x = p_c·p_2·Σ_{k≠c} e_k(W_c − W_k) and ∂F_j/∂x = p_2·e_j·(W_j − W_c + p_2·Σ_{k≠c} e_k(W_c − W_k)), p_2 the
     * second-largest probability, kept as its logarithm.
     */
    private static double scalarLog10(LinearSoftmax m, INDArray xi) {
        double[][] w = m.w.toDoubleMatrix();
        double[] z = m.logits(xi).toDoubleVector();
        int k = z.length;
        int n = w[0].length;
        int c = 0;
        for (int a = 1; a < k; a++) {
            if (z[a] > z[c]) {
                c = a;
            }
        }
        int second = c == 0 ? 1 : 0;
        for (int a = 0; a < k; a++) {
            if (a != c && z[a] > z[second]) {
                second = a;
            }
        }
        final double top = z[c];
        double lse = top + Math.log(java.util.Arrays.stream(z).map(v -> Math.exp(v - top)).sum());
        double logP2 = z[second] - lse;
        double pc = Math.exp(z[c] - lse);
        double p2 = Math.exp(logP2);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int a = 0; a < k; a++) {
                if (a != c) {
                    sum += Math.exp(z[a] - z[second]) * (w[c][i] - w[a][i]);
                }
            }
            total += Math.abs(pc * sum);
            for (int a = 0; a < k; a++) {
                if (a != c) {
                    total += Math.exp(z[a] - z[second]) * Math.abs(w[a][i] - w[c][i] + p2 * sum);
                }
            }
        }
        return logP2 / Math.log(10) + Math.log10(total / ((double) k * n));
    }

    @Test
    void amplitudeEqualsTheNaiveComputationAwayFromSaturation() {
        for (double scale : new double[]{0.5, 2}) {
            LinearSoftmax m = model(scale);
            INDArray x = inputs();
            double[] ours = DistillationMetrics.gradientAmplitude(m, x).log10Mean();
            double[] expected = naive(m, x);
            for (int i = 0; i < ours.length; i++) {
                assertTrue(expected[i] > -6, "test set-up: away from saturation, got 1e" + expected[i]);
                assertEquals(expected[i], ours[i], 1e-8, "scale " + scale + ", sample " + i);
            }
        }
    }

    @Test
    void amplitudeMatchesTheScalarReferenceInSaturation() {
        for (double scale : new double[]{30, 2000}) {
            LinearSoftmax m = model(scale);
            INDArray x = inputs();
            DistillationMetrics.Amplitude a = DistillationMetrics.gradientAmplitude(m, x);
            for (int i = 0; i < x.size(0); i++) {
                double expected = scalarLog10(m, x.get(NDArrayIndex.interval(i, i + 1)));
                assertTrue(Double.isFinite(a.log10Mean()[i]));
                assertEquals(expected, a.log10Mean()[i], 1e-9 * Math.abs(expected), "scale " + scale + ", sample " + i);
            }
            if (scale == 2000) {
                assertTrue(a.log10OfMedian() < -320, "the typical sample is beyond double's range: 1e" + a.log10OfMedian());
                assertTrue(a.float32ZeroShare() > 0.9, "float32 sees mostly zeros: " + a.float32ZeroShare());
                double[] naive = naive(m, x);
                for (int i = 0; i < naive.length; i++) {
                    if (a.log10Mean()[i] < -330) {
                        assertEquals(Double.NEGATIVE_INFINITY, naive[i], "where ours is below 1e-330 the naive computation gives 0");
                    }
                }
            }
        }
    }

    @Test
    void softLabelsAreTheTeachersSoftmaxAtTemperature() {
        LinearSoftmax m = model(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1200, 1, 8, 8);
        INDArray soft = DefensiveDistillation.softLabels(m, x, 20);
        INDArray expected = TemperatureCrossEntropy.softmax(m.logits(x), 20);
        assertEquals(0, soft.sub(expected).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0, soft.sum(1).sub(1).amaxNumber().doubleValue(), 1e-12);
        double hot = soft.max(1).meanNumber().doubleValue();
        double cold = DefensiveDistillation.softLabels(m, x, 1).max(1).meanNumber().doubleValue();
        assertTrue(hot < cold, "a higher temperature gives softer labels: " + hot + " vs " + cold);
    }

    @Test
    void unboundedJsmaFGivesTheBudgetedSuccessAndTheMinimumPerturbation() {
        LinearSoftmax m = model(3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 30, 1, 8, 8).muli(0.5);
        int[] y = io.github.ark4j.model.Tensors.argmaxRows(m.logits(x));
        io.github.ark4j.data.LabeledImages samples = new io.github.ark4j.data.LabeledImages("linear", x, y, 10);
        DistillationMetrics.JsmaF f = DistillationMetrics.jsmaF(m, samples, 7);
        int[] targets = io.github.ark4j.attack.Jsma.randomTargets(y, 10, 7);
        AttackResult bounded = io.github.ark4j.attack.Jsma.builder().output(io.github.ark4j.attack.Jsma.Output.PROBABILITIES).build()
                .run(m, x, y, targets);
        assertEquals(bounded.successRate(y), f.successRate(), 1e-12, "same path, same success within 14.5%");
        double expected = 0;
        for (int i = 0; i < y.length; i++) {
            expected += f.success()[i] ? f.l0()[i] / 64 : 1;
            if (bounded.success()[i]) {
                assertEquals(bounded.l0()[i], f.l0()[i], "the bounded run is a prefix of the unbounded one");
            }
        }
        assertEquals(expected / y.length, f.robustness(), 1e-12);
    }

    @Test
    void badTemperatureIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DefensiveDistillation.builder(io.github.ark4j.model.Architecture.PAPERNOT_MNIST).temperature(0));
        assertTrue(e.getMessage().contains("temperature"));
        assertThrows(IllegalArgumentException.class, () -> DefensiveDistillation.builder(io.github.ark4j.model.Architecture.PAPERNOT_MNIST).temperature(Double.NaN));
    }
}
