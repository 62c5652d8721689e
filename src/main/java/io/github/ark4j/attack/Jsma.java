package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.TemperatureCrossEntropy;
import io.github.ark4j.model.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Jacobian-based Saliency Map Attack (Papernot, McDaniel, Jha, Fredrikson, Celik, Swami, "The Limitations of Deep
 * Learning in Adversarial Settings", EuroS&P 2016), faithful to the paper's Algorithms 2 and 3: the pairwise
 * saliency map over feature pairs (p, q) of the search domain Γ,
 * <pre>α = Σ_{i∈{p,q}} ∂F_t(X)/∂X_i,    β = Σ_{i∈{p,q}} Σ_{j≠t} ∂F_j(X)/∂X_i          (eq. (9)/(10) in pairs)
 * (p*, q*) = argmax_{(p,q)} (−α·β)  subject to  α &gt; 0, β &lt; 0   (θ = +1; α &lt; 0, β &gt; 0 for θ = −1)</pre>
 * Each iteration moves both features of the chosen pair by θ to the bound of [0,1] and removes them from Γ; features
 * already at that bound are not in Γ. The attack stops when the model predicts t, when no admissible pair remains,
 * or when ⌊γ·n⌋ features have changed (γ = the maximum distortion, n = features), i.e. after ⌊γ·n/2⌋ iterations.
 * F is either the logits Z (the original paper's choice) or the softmax at temperature T (the variant the
 * defensive-distillation paper attacks, "JSMA-F").
 *
 * <p>Batched: each iteration costs one forward pass for all samples still attacked, which also tells which of them
 * the previous pair took to t, and two backward passes from it on the logits (α from the target's gradient, β from the
 * gradient of the other outputs' sum) or one on the softmax (β = −α there), not a full K-class Jacobian. The exhaustive pair
 * search (n²/2 pairs) runs on primitive arrays, samples in parallel: on 784 features it took ~1 ms per sample against
 * ~50 ms for the same search as ND4J broadcast ops, whose [n, n] temporaries also bound memory badly.
 */
public final class Jsma implements Attack {

    /** Which output the saliency map differentiates. */
    public enum Output {
        /** The logits Z (Papernot et al. EuroS&P 2016). */
        LOGITS,
        /** The softmax probabilities F at a temperature (Papernot et al. S&P 2016, "JSMA-F"). */
        PROBABILITIES
    }

    private final double theta;
    private final double gamma;
    private final Output output;
    private final double temperature;

    private Jsma(Builder b) {
        this.theta = b.theta;
        this.gamma = b.gamma;
        this.output = b.output;
        this.temperature = b.temperature;
    }

    /** θ = +1, γ = 14.5%, on the logits: the paper's MNIST setting. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "JSMA-%s(theta=%+.0f, gamma=%s%s)", output == Output.LOGITS ? "Z" : "F", theta, gamma,
                output == Output.PROBABILITIES ? ", T=" + temperature : "");
    }

    /** The largest number of features the attack may change on inputs of n features: ⌊γ·n⌋. */
    public int maxChangedFeatures(long n) {
        return (int) Math.floor(gamma * n + 1e-9);
    }

    /** A seeded random target per sample, different from its label (for "random target" experiments). */
    public static int[] randomTargets(int[] labels, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] t = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            t[i] = (labels[i] + 1 + rng.nextInt(classes - 1)) % classes;
        }
        return t;
    }

    @Override
    public AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must be given: JSMA is a targeted attack (see Jsma.randomTargets)");
        }
        AttackInputs.validate(model, x, labels, targets);
        long t0 = System.nanoTime();
        int b = labels.length;
        int n = (int) (x.length() / b);
        int maxIter = maxChangedFeatures(n) / 2;
        int[] before = model.predict(x);
        float[][] adv = Tensors.floatRows(x);
        float bound = theta > 0 ? 1f : 0f;
        boolean[][] domain = new boolean[b][n];
        for (int i = 0; i < b; i++) {
            for (int f = 0; f < n; f++) {
                domain[i][f] = theta > 0 ? adv[i][f] < 1f : adv[i][f] > 0f;
            }
        }
        int[] iterations = new int[b];
        int[] active = IntStream.range(0, b).filter(i -> before[i] != targets[i]).toArray();
        long[] shape = x.shape().clone();
        for (int it = 0; it < maxIter && active.length > 0; it++) {
            shape[0] = active.length;
            Classifier.ForwardPass pass = model.forwardPass(Tensors.fromRows(adv, active, shape).castTo(x.dataType()));
            // the pass that gives this iteration's saliency also tells which samples last iteration's pair took to t
            int[] predicted = Tensors.argmaxRows(pass.logits());
            INDArray[] ab = alphaBeta(pass, Steps.subset(targets, active));
            float[][] alpha = Tensors.floatRows(ab[0]);
            float[][] beta = Tensors.floatRows(ab[1]);
            int[] act = active;
            int[][] pairs = new int[act.length][];
            IntStream.range(0, act.length).filter(k -> predicted[k] != targets[act[k]]).parallel()
                    .forEach(k -> pairs[k] = bestPair(alpha[k], beta[k], domain[act[k]]));
            List<Integer> moved = new ArrayList<>();
            for (int k = 0; k < act.length; k++) {
                if (pairs[k] != null) {
                    int i = act[k];
                    for (int f : pairs[k]) {
                        adv[i][f] = bound;
                        domain[i][f] = false;
                    }
                    iterations[i]++;
                    moved.add(i);
                }
            }
            active = moved.stream().mapToInt(Integer::intValue).toArray();
        }
        INDArray result = Tensors.fromRows(adv, IntStream.range(0, b).toArray(), x.shape()).castTo(x.dataType());
        int[] after = model.predict(result);
        return AttackResult.of(name(), x, result, labels, targets, before, after, iterations, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The saliency components per sample and feature: α = ∂F_t/∂x and β = Σ_{j≠t} ∂F_j/∂x (each with the shape of x).
     */
    public INDArray[] alphaBeta(Classifier model, INDArray x, int[] t) {
        return alphaBeta(model.forwardPass(x), t);
    }

    /**
     * α and β from one forward pass. On the logits two backward passes: α from ε = e_t, β from ε = 1 − e_t. On the
     * softmax one: Σ_j F_j = 1, so β = Σ_{j≠t} ∂F_j/∂x = −∂F_t/∂x = −α, exactly also in floating point (the backward
     * pass is linear and the weights ∂F_t/∂Z_k = F_t(δ_tk − F_k)/T are negated bit for bit).
     */
    private INDArray[] alphaBeta(Classifier.ForwardPass pass, int[] t) {
        INDArray z = pass.logits();
        INDArray target = LabeledImages.oneHot(t, (int) z.size(1)).castTo(z.dataType());
        if (output == Output.LOGITS) {
            INDArray others = Nd4j.onesLike(target).subi(target);
            return new INDArray[]{pass.gradient(target), pass.gradient(others)};
        }
        INDArray p = TemperatureCrossEntropy.softmax(z, temperature);
        INDArray ft = p.mul(target).sum(true, 1);
        INDArray alpha = pass.gradient(target.subi(p).muliColumnVector(ft).divi(temperature));
        return new INDArray[]{alpha, alpha.neg()};
    }

    /**
     * The admissible pair of domain features maximising −α·β (θ = +1: α &gt; 0 and β &lt; 0; θ = −1: α &lt; 0 and
     * β &gt; 0), or null when none is admissible; among equal scores the first pair in index order, as an exhaustive
     * search over p &lt; q finds it.
     *
     * <p>Exhaustive but pruned, with the same answer: for an admissible pair both factors of −α·β are positive, so
     * the score of any pair containing p is at most u_p = max(0, θ(α_p + A))·max(0, −θ(β_p + B)), A and B being the
     * extreme α and β over the domain. A feature p whose u_p is below a score some pair already reaches cannot be in
     * the best pair and is skipped. The reached score comes first from the feature of largest u_p and its best
     * partner (one pass), so on the heavy-tailed gradients of real images most rows of the n²/2 search are skipped.
     *
     * @param alpha  α per feature of one sample
     * @param beta   β per feature of the same sample
     * @param domain the search domain Γ: which features may still change
     * @return the chosen features {p, q} with p &lt; q, or null
     */
    public int[] bestPair(float[] alpha, float[] beta, boolean[] domain) {
        int[] idx = IntStream.range(0, alpha.length).filter(f -> domain[f]).toArray();
        int m = idx.length;
        if (m < 2) {
            return null;
        }
        // in the θ = +1 orientation: admissible means a > 0 and b < 0 for the pair sums
        float sign = theta > 0 ? 1f : -1f;
        float[] a = new float[m];
        float[] bt = new float[m];
        float aExtreme = Float.NEGATIVE_INFINITY;
        float bExtreme = Float.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            a[i] = sign * alpha[idx[i]];
            bt[i] = sign * beta[idx[i]];
            aExtreme = Math.max(aExtreme, a[i]);
            bExtreme = Math.min(bExtreme, bt[i]);
        }
        float[] upper = new float[m];
        int top = 0;
        for (int p = 0; p < m; p++) {
            upper[p] = Math.max(0f, a[p] + aExtreme) * Math.max(0f, -(bt[p] + bExtreme));
            if (upper[p] > upper[top]) {
                top = p;
            }
        }
        float reached = 0f;
        for (int q = 0; q < m; q++) {
            if (q != top) {
                float sa = a[top] + a[q];
                float sb = bt[top] + bt[q];
                if (sa > 0f && sb < 0f) {
                    reached = Math.max(reached, -sa * sb);
                }
            }
        }
        float best = 0f;
        int bp = -1;
        int bq = -1;
        for (int p = 0; p < m; p++) {
            if (upper[p] < reached || upper[p] <= best) {
                continue;
            }
            float ap = a[p];
            float bpv = bt[p];
            // branch-free row maximum first (the JIT vectorises it): max(0, α)·max(0, −β) is −α·β for an admissible
            // pair and 0 otherwise, and 0 never beats the strict maximum; the column is looked up only when it does
            float rowBest = 0f;
            for (int q = p + 1; q < m; q++) {
                rowBest = Math.max(rowBest, Math.max(0f, ap + a[q]) * Math.max(0f, -(bpv + bt[q])));
            }
            if (rowBest > best) {
                for (int q = p + 1; q < m; q++) {
                    if (Math.max(0f, ap + a[q]) * Math.max(0f, -(bpv + bt[q])) == rowBest) {
                        best = rowBest;
                        bp = p;
                        bq = q;
                        break;
                    }
                }
            }
        }
        return bp < 0 ? null : new int[]{idx[bp], idx[bq]};
    }

    public static final class Builder {
        private double theta = 1;
        private double gamma = 0.145;
        private Output output = Output.LOGITS;
        private double temperature = 1;

        /** +1 (increase features to 1) or −1 (decrease them to 0). */
        public Builder theta(double v) {
            if (v != 1 && v != -1) {
                throw new IllegalArgumentException("theta must be +1 or -1, got " + v);
            }
            theta = v;
            return this;
        }

        /** Maximum distortion: the largest share of features that may change, in (0, 1]. */
        public Builder gamma(double v) {
            gamma = AttackInputs.inRange("gamma", v, 0, 1, true);
            return this;
        }

        public Builder output(Output v) {
            output = v;
            return this;
        }

        /** Temperature of the softmax for {@link Output#PROBABILITIES} (the deployment temperature, 1 by default). */
        public Builder temperature(double v) {
            temperature = AttackInputs.inRange("temperature", v, 0, Double.MAX_VALUE, true);
            return this;
        }

        public Jsma build() {
            return new Jsma(this);
        }
    }
}
