package io.github.ark4j.course;

import io.github.ark4j.detect.Sprt;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks catch the usual wrong answers and say what is wrong in words a student can act on. */
class ChecksTest {

    private static void failsWith(CheckResult r, String... words) {
        assertFalse(r.passed(), r.toString());
        for (String w : words) {
            assertTrue(r.message().contains(w), "\"" + w + "\" in: " + r.message());
        }
    }

    @Test
    void fgsmWithoutClippingOrWithSignOfZeroAsOneFails() {
        failsWith(Checks.fgsmStep((x, g, eps) -> x.add(Transforms.sign(g).mul(eps))), "Clip the result to [0, 1]", "image ", "pixel (row ");
        failsWith(Checks.fgsmStep((x, g, eps) -> Transforms.min(Transforms.max(x.add(g.gte(0).castTo(x.dataType()).mul(2).sub(1).mul(eps)), 0.0), 1.0)),
                "sign(0) = 0");
        failsWith(Checks.fgsmStep((x, g, eps) -> null), "returned null");
        failsWith(Checks.fgsmStep((x, g, eps) -> x.reshape(x.size(0), -1)), "shape");
    }

    @Test
    void aPairThatIgnoresTheDomainOrAdmissibilityFails() {
        // the best product over all features, with no regard for the signs or the domain
        failsWith(Checks.jsmaPair((a, b, d) -> {
            int[] best = null;
            double s = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < a.length; p++) {
                for (int q = p + 1; q < a.length; q++) {
                    double v = -((double) a[p] + a[q]) * ((double) b[p] + b[q]);
                    if (v > s) {
                        s = v;
                        best = new int[]{p, q};
                    }
                }
            }
            return best;
        }), "expected pair");
        failsWith(Checks.jsmaPair((a, b, d) -> new int[]{0, 1}), "image 0");
    }

    @Test
    void aSoftmaxWithoutTheShiftOrWithoutTheTemperatureFails() {
        failsWith(Checks.temperatureSoftmax((z, t) -> {
            INDArray e = Transforms.exp(z.div(t).castTo(DataType.FLOAT));
            return e.divColumnVector(e.sum(true, 1));
        }), "subtract each row's maximum");
        failsWith(Checks.temperatureSoftmax((z, t) -> {
            INDArray e = Transforms.exp(z.subColumnVector(z.max(true, 1)));
            return e.divColumnVector(e.sum(true, 1));
        }), "at T = 20");
    }

    @Test
    void aDistillationGradientWithoutOneOverTFailsAndSaysSo() {
        failsWith(Checks.distillationGradient((z, y, t) -> {
            INDArray s = z.div(t);
            INDArray p = Transforms.exp(s.subColumnVector(s.max(true, 1)));
            return p.diviColumnVector(p.sum(true, 1)).sub(y);
        }), "T times too large");
    }

    @Test
    void aCarliniWagnerObjectiveWithoutTheLogitTermFails() {
        failsWith(Checks.carliniWagnerObjective((model, w, x, t, c, kappa) -> {
            INDArray d = Transforms.tanh(w.castTo(DataType.DOUBLE)).add(1).mul(0.5).sub(x.castTo(DataType.DOUBLE));
            return d.mul(d).sumNumber().doubleValue();
        }), "add c·f(x')");
    }

    @Test
    void anSprtThatDecidesOnTheWholeSequenceOrNeverFails() {
        failsWith(Checks.sprtDecision((changed, rho, mu) -> {
            Sprt sprt = Sprt.forNormalRate(rho, mu);
            int z = 0;
            for (boolean c : changed) {
                z += c ? 1 : 0;
            }
            return sprt.decide(z, changed.length);
        }), "stops at the first mutant");
        failsWith(Checks.sprtDecision((changed, rho, mu) -> Sprt.Decision.UNDECIDED), "expected");
    }

    @Test
    void anInversionOfTheWrongPartsFails() {
        failsWith(Checks.neuronInversion((w, b, k) -> w.getColumn(k).negi()), "bias");
        failsWith(Checks.neuronInversion((w, b, k) -> {
            w.getRow(k).negi();
            b.getColumn(k).negi();
        }), "after inverting neuron 0", "column 0 of W");
        failsWith(Checks.neuronInversion((w, b, k) -> {
            w.negi();
            b.negi();
        }), "Only neuron 0 may change");
    }

    @Test
    void aContrastAboutTheBatchMeanFails() {
        failsWith(Checks.contrast((x, f) -> {
            double m = x.meanNumber().doubleValue();
            return Transforms.min(Transforms.max(x.sub(m).mul(f).add(m), 0.0), 1.0);
        }), "mean pixel value");
    }

    @Test
    void anExceptionInTheStudentsCodeIsAFailureThatNamesIt() {
        failsWith(Checks.contrast((x, f) -> {
            throw new IllegalStateException("oops");
        }), "your function threw IllegalStateException: oops");
    }
}
