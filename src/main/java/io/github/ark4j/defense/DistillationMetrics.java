package io.github.ark4j.defense;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.Tensors;
import io.github.ark4j.util.Stats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * The measurements of Papernot et al. S&P 2016, Section V (docs/papers.md [1]), on a model deployed at T = 1:
 * <ul>
 *   <li>JSMA-F success (Section V.B): the probability-based JSMA, θ = +1, γ = 14.5%, one seeded random target per sample;</li>
 *   <li>adversarial gradient amplitude (Section V.C, Fig. 9): the mean |∂F/∂X| of the softmax outputs;</li>
 *   <li>robustness ρ_adv (Section V.D, eq. 9): the average minimum share of features an attack must change.</li>
 * </ul>
 */
public final class DistillationMetrics {
    /** The paper's JSMA budget: at most 14.5% of the features may change. */
    public static final double GAMMA = 0.145;
    /**
     * JSMA-F of the distillation paper (softmax output at T = 1, θ = +1) without a budget: JSMA is greedy and
     * deterministic, so the run with γ = 1 follows exactly the path of the γ = 14.5% run, and one run gives both the
     * paper's success rate (target reached with at most ⌊γ·n⌋ changes) and the minimum perturbation for ρ_adv.
     */
    public static final Jsma JSMA_F_UNBOUNDED = Jsma.builder().output(Jsma.Output.PROBABILITIES).temperature(1).gamma(1).build();

    /** Samples per attack batch of the distillation measurements: the progress bar advances per batch. */
    public static final int ATTACK_BATCH = 100;

    /**
     * JSMA-F on a set of correctly classified samples.
     *
     * @param success     per sample, whether the unbounded run reached its target
     * @param l0          per sample, the features it changed
     * @param successRate share of samples whose target was reached with at most 14.5% of the features changed
     * @param robustness  ρ_adv (eq. 9): the mean share of features changed to reach the target, an attack that finds no
     *                    perturbation at all (no admissible pair left: the gradients are zero) counting as 1
     * @param robustnessOfSuccesses the same mean over the attacks that reached their target only (NaN when none did)
     */
    public record JsmaF(boolean[] success, double[] l0, double successRate, double robustness, double robustnessOfSuccesses) {
        /** The number of attacked samples: the trials behind {@link #successRate}. */
        public int samples() {
            return success.length;
        }

        /**
         * The measures of the unbounded runs on samples of {@code features} features each, from each sample's success and
         * changed features (e.g. of several shards of samples, concatenated).
         */
        public static JsmaF of(boolean[] success, double[] l0, long features) {
            if (success.length != l0.length) {
                throw new IllegalArgumentException("l0: expected one count per sample (" + success.length + "), got " + l0.length);
            }
            int budget = (int) Math.floor(GAMMA * features + 1e-9);
            int ok = 0;
            int reached = 0;
            double sum = 0;
            double sumOfSuccesses = 0;
            for (int i = 0; i < success.length; i++) {
                if (success[i] && l0[i] <= budget) {
                    ok++;
                }
                if (success[i]) {
                    reached++;
                    sumOfSuccesses += l0[i] / features;
                }
                sum += success[i] ? l0[i] / features : 1;
            }
            return new JsmaF(success.clone(), l0.clone(), ok / (double) success.length, sum / success.length,
                    reached == 0 ? Double.NaN : sumOfSuccesses / reached);
        }
    }

    private DistillationMetrics() {
    }

    /**
     * Gradient amplitude per sample.
     *
     * @param log10Mean    per sample, log10 of mean_{j,i} |∂F_j/∂x_i| computed in double precision in a scaled form
     *                     that cannot underflow (see {@link #gradientAmplitude})
     * @param float32Mean  per sample, the same mean from the float32 Jacobian the attacks see
     * @param float32ZeroShare share of exact zeros in the float32 Jacobian (underflow at high T)
     */
    public record Amplitude(double[] log10Mean, double[] float32Mean, double float32ZeroShare) {
        /** log10 of the mean amplitude over samples (a log-mean-exp of the per-sample values). */
        public double log10OfMean() {
            double max = Arrays.stream(log10Mean).max().orElse(Double.NaN);
            double sum = Arrays.stream(log10Mean).map(v -> Math.pow(10, v - max)).sum();
            return max + Math.log10(sum / log10Mean.length);
        }

        /**
         * log10 of the median per-sample amplitude: the typical sample. The mean is dominated by the few samples
         * near a decision boundary, whose gradients distillation does not shrink.
         */
        public double log10OfMedian() {
            return Stats.median(log10Mean);
        }

        public double float32OfMean() {
            return Arrays.stream(float32Mean).average().orElse(Double.NaN);
        }
    }

    /**
     * The amplitude of ∂F/∂X at T = 1 for a batch. In float32 the softmax of a distilled net saturates and most of
     * ∂F/∂X is exactly 0; the magnitude is still well defined, so it is computed in double from the logit Jacobian
     * J = ∂Z/∂X and p = softmax(Z), with c the predicted class, D_k = J_c − J_k, s = log of the second-largest p,
     * p̃_k = p_k·e^{−s} (k ≠ c, p̃_c = 0) and S = Σ_k p̃_k D_k:
     * ∂F_c/∂X = e^s·p_c·S and ∂F_j/∂X = e^s·p̃_j·(e^s·S − D_j) for j ≠ c (exact, from ∂F_j/∂Z_k = p_j(δ_jk − p_k) and
     * Σ p_k = 1). So log10 mean|∂F/∂X| = s/ln 10 + log10 of a mean of terms that are O(1): no underflow even at T = 100.
     */
    public static Amplitude gradientAmplitude(Classifier model, INDArray x) {
        int b = (int) x.size(0);
        INDArray jz = model.logitJacobian(x);
        int k = (int) jz.size(1);
        long n = jz.length() / ((long) b * k);
        INDArray j = jz.reshape(b, k, n).castTo(DataType.DOUBLE);
        INDArray z = model.logits(x).castTo(DataType.DOUBLE);
        int[] c = Tensors.argmaxRows(z);
        INDArray logp = z.subColumnVector(logSumExp(z));
        INDArray onehotC = Nd4j.zeros(DataType.DOUBLE, b, k);
        for (int i = 0; i < b; i++) {
            onehotC.putScalar(i, c[i], 1);
        }
        // s: log of the second-largest probability (the largest among k ≠ c)
        INDArray masked = logp.add(onehotC.mul(-1e300));
        INDArray s = masked.max(true, 1);
        INDArray pTilde = Transforms.exp(masked.subColumnVector(s), true).muli(onehotC.rsub(1));
        INDArray pc = Transforms.exp(logp.mul(onehotC).sum(1), true);
        INDArray es = Transforms.exp(s, true);
        INDArray pcCol = pc.reshape(b, 1);
        INDArray jc = Nd4j.zeros(DataType.DOUBLE, b, n);
        for (int m = 0; m < k; m++) {
            jc.addi(slice(j, m).mulColumnVector(onehotC.getColumn(m, true)));
        }
        INDArray[] d = new INDArray[k];
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, b, n);
        for (int m = 0; m < k; m++) {
            d[m] = jc.sub(slice(j, m));
            sum.addi(d[m].mulColumnVector(pTilde.getColumn(m, true)));
        }
        INDArray total = Transforms.abs(sum, true).sum(true, 1).muli(pcCol);
        INDArray esSum = sum.mulColumnVector(es);
        for (int m = 0; m < k; m++) {
            total.addi(Transforms.abs(esSum.sub(d[m]), false).sum(true, 1).muli(pTilde.getColumn(m, true)));
        }
        double[] scaled = total.div((double) k * n).reshape(b).toDoubleVector();
        double[] sv = s.reshape(b).toDoubleVector();
        double[] log10 = new double[b];
        for (int i = 0; i < b; i++) {
            log10[i] = sv[i] / Math.log(10) + Math.log10(scaled[i]);
        }
        INDArray jf = model.probabilityJacobian(x, 1).castTo(DataType.FLOAT).reshape(b, k * n);
        double[] f32 = Transforms.abs(jf, true).mean(1).castTo(DataType.DOUBLE).toDoubleVector();
        double zeros = jf.eq(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        return new Amplitude(log10, f32, zeros);
    }

    private static INDArray slice(INDArray j, int m) {
        return j.get(NDArrayIndex.all(), NDArrayIndex.point(m), NDArrayIndex.all());
    }

    private static INDArray logSumExp(INDArray z) {
        INDArray max = z.max(true, 1);
        return Transforms.log(Transforms.exp(z.subColumnVector(max), true).sum(true, 1), false).addi(max);
    }

    /** JSMA-F with a seeded random target per sample against the model at T = 1. */
    public static JsmaF jsmaF(Classifier model, LabeledImages samples, long seed) {
        return jsmaF(model, samples, Jsma.randomTargets(samples.labels(), samples.classes(), seed));
    }

    /** JSMA-F towards the given target per sample against the model at T = 1. */
    public static JsmaF jsmaF(Classifier model, LabeledImages samples, int[] targets) {
        AttackResult r = JSMA_F_UNBOUNDED.runInBatches(model, samples.features(), samples.labels(), targets, ATTACK_BATCH);
        return JsmaF.of(r.success(), r.l0(), r.adversarial().length() / r.size());
    }
}
