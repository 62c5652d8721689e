package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Locale;
import java.util.stream.IntStream;

/**
 * DeepFool, multi-class (Moosavi-Dezfooli, Fawzi, Frossard, CVPR 2016, Algorithm 2), batched. At each iteration
 * i, with k̂ the original class, for every other class k:
 * <pre>w'_k = ∇Z_k(x_i) − ∇Z_k̂(x_i),   f'_k = Z_k(x_i) − Z_k̂(x_i)                  (Alg. 2, lines 5-6)
 * l = argmin_{k≠k̂} |f'_k| / ‖w'_k‖₂                                            (eq. 12)
 * r_i = (|f'_l| + 10⁻⁴) / ‖w'_l‖₂² · w'_l                                        (eq. 13 / line 9)</pre>
 * and x_{i+1} = clip(x_0 + (1 + overshoot)·Σ r_i) until the label changes or the iteration limit. The defaults are
 * docs/papers.md's: overshoot 0.02, at most 50 iterations. For an affine classifier the first step lands exactly on the
 * nearest decision boundary, at distance |f'_l|/‖w'_l‖ (eq. 4 for two classes). Untargeted only (the paper's form);
 * one Jacobian (K backward passes) per iteration for the samples still correctly classified.
 */
public final class DeepFool implements Attack {
    private final double overshoot;
    private final int maxIterations;

    private DeepFool(Builder b) {
        this.overshoot = b.overshoot;
        this.maxIterations = b.maxIterations;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "DeepFool(overshoot=%s, iter=%d)", overshoot, maxIterations);
    }

    @Override
    public AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets) {
        if (targets != null) {
            throw new IllegalArgumentException("targets must be null: DeepFool is untargeted (it moves to the nearest boundary)");
        }
        AttackInputs.validate(model, x, labels, null);
        long t0 = System.nanoTime();
        int b = labels.length;
        int[] before = model.predict(x);
        INDArray total = Nd4j.zeros(DataType.DOUBLE, b, x.length() / b);
        INDArray adv = x.dup();
        int[] iterations = new int[b];
        int[] active = IntStream.range(0, b).toArray();
        for (int it = 0; it < maxIterations && active.length > 0; it++) {
            INDArray xa = Steps.rows(adv, active);
            int[] pred = model.predict(xa);
            int[] act = active;
            active = IntStream.range(0, act.length).filter(i -> pred[i] == before[act[i]]).map(i -> act[i]).toArray();
            if (active.length == 0) {
                break;
            }
            int[] still = active;
            xa = Steps.rows(adv, still);
            // the Jacobian's forward pass also gives the logits
            INDArray r = step(model.forwardPass(xa), Steps.subset(before, still));
            for (int k = 0; k < still.length; k++) {
                total.getRow(still[k]).addi(r.getRow(k));
                iterations[still[k]]++;
            }
            INDArray x0 = Steps.rows(x, still).reshape(still.length, -1).castTo(DataType.DOUBLE);
            INDArray moved = Steps.clip(x0.addi(Steps.rows(total, still).mul(1 + overshoot)));
            Steps.putRows(adv, still, moved.reshape(xa.shape()).castTo(x.dataType()));
        }
        int[] after = model.predict(adv);
        return AttackResult.of(name(), x, adv, labels, null, before, after, iterations, (System.nanoTime() - t0) / 1e9);
    }

    /** One DeepFool step r_i for each sample (rows, flattened, double), towards the nearest linearised boundary. */
    static INDArray step(Classifier.ForwardPass pass, int[] original) {
        int b = original.length;
        INDArray jac = pass.logitJacobian();
        int k = (int) jac.size(1);
        INDArray j = jac.reshape(b, k, jac.length() / ((long) b * k)).castTo(DataType.DOUBLE);
        INDArray z = pass.logits().castTo(DataType.DOUBLE);
        INDArray onehot = Nd4j.zeros(DataType.DOUBLE, b, k);
        for (int i = 0; i < b; i++) {
            onehot.putScalar(i, original[i], 1);
        }
        INDArray jOrig = Nd4j.zeros(DataType.DOUBLE, b, j.size(2));
        for (int c = 0; c < k; c++) {
            jOrig.addi(j.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all()).mulColumnVector(onehot.getColumn(c, true)));
        }
        INDArray zOrig = z.mul(onehot).sum(true, 1);
        INDArray f = z.subColumnVector(zOrig);                                   // f'_k, [B, K]
        INDArray[] w = new INDArray[k];
        INDArray norms = Nd4j.zeros(DataType.DOUBLE, b, k);
        for (int c = 0; c < k; c++) {
            w[c] = j.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all()).sub(jOrig);   // w'_k, [B, n]
            norms.getColumn(c).assign(w[c].norm2(1));
        }
        double[][] fm = f.toDoubleMatrix();
        double[][] nm = norms.toDoubleMatrix();
        INDArray r = Nd4j.zeros(DataType.DOUBLE, b, j.size(2));
        for (int i = 0; i < b; i++) {
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dist = Math.abs(fm[i][c]) / (nm[i][c] + 1e-12);
                if (c != original[i] && dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            double n = nm[i][best];
            r.getRow(i).assign(w[best].getRow(i).mul((Math.abs(fm[i][best]) + 1e-4) / (n * n + 1e-12)));
        }
        return r;
    }

    public static final class Builder {
        private double overshoot = 0.02;
        private int maxIterations = 50;

        /** Overshoot η: the accumulated step is scaled by 1 + η to cross the boundary (default 0.02). */
        public Builder overshoot(double v) {
            overshoot = AttackInputs.inRange("overshoot", v, 0, 1, false);
            return this;
        }

        /** At most this many iterations (default 50). */
        public Builder maxIterations(int v) {
            maxIterations = AttackInputs.positive("maxIterations", v);
            return this;
        }

        public DeepFool build() {
            return new DeepFool(this);
        }
    }
}
