package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The Carlini-Wagner L2 attack (Carlini and Wagner, "Towards Evaluating the Robustness of Neural Networks", IEEE S&P
 * 2017, Section V.A), batched: every sample has its own constant c and its own binary search.
 * <pre>x' = ½(tanh(w) + 1)                                                       (change of variables, eq. after (6))
 * minimise ‖x' − x‖₂² + c·f(x')                                                 (eq. 7 with the L2 norm)
 * f(x') = max(max_{i≠t} Z_i(x') − Z_t(x'), −κ)      targeted at t                (objective f6)
 * f(x') = max(Z_y(x') − max_{i≠y} Z_i(x'), −κ)      untargeted, true class y</pre>
 * with Adam on w; after each run of {@code iterations} steps, c is halved towards the smallest successful value or
 * multiplied by 10 while the attack fails (binary search, {@code binarySteps} times), and the smallest successful
 * perturbation seen is kept. A run stops early when the loss has not decreased by 0.01% over a tenth of the
 * iterations. The gradient of f is one backward pass on the logits per step for the whole batch. Defaults follow
 * docs/papers.md (9 binary-search steps, Adam lr 0.01, c0 = 10⁻³, κ = 0) with 1,000 iterations per step (the paper allows
 * up to 10,000).
 * <p>Budget. The defaults find an adversarial example for every MNIST image of the reports, distilled or not. A much
 * smaller budget misses many: with 5 binary-search steps × 100 iterations C&amp;W found one for about a third of 50 MNIST
 * images. Two things make small budgets slow: c starts at 10⁻³ and needs several steps of the search to grow to where
 * f(x') can win against the distance term, and a pixel at exactly 0 or 1 starts at w = atanh(±(1 − 10⁻⁶)), where tanh's
 * slope is about 4·10⁻⁶, so it barely moves in 100 Adam steps. Use at least 6 binary-search steps × 300 iterations (the
 * quick profile's setting) and expect a lower success rate than the defaults'.
 */
public final class CarliniWagnerL2 implements Attack {
    private final int binarySteps;
    private final int iterations;
    private final double learningRate;
    private final double initialConstant;
    private final double confidence;
    private final boolean abortEarly;

    private CarliniWagnerL2(Builder b) {
        this.binarySteps = b.binarySteps;
        this.iterations = b.iterations;
        this.learningRate = b.learningRate;
        this.initialConstant = b.initialConstant;
        this.confidence = b.confidence;
        this.abortEarly = b.abortEarly;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "C&W-L2(steps=%d, iter=%d, lr=%s, c0=%s, kappa=%s)", binarySteps, iterations, learningRate,
                initialConstant, confidence);
    }

    @Override
    public AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets) {
        AttackInputs.validate(model, x, labels, targets);
        long t0 = System.nanoTime();
        int b = labels.length;
        int k = model.classes();
        int[] before = model.predict(x);
        long[] shape = x.shape();
        INDArray x0 = x.reshape(b, -1).castTo(DataType.DOUBLE);
        // tanh space; 1 − 1e-6 keeps atanh finite at pixels of exactly 0 or 1
        INDArray w0 = Transforms.atanh(x0.mul(2).subi(1).muli(1 - 1e-6), true);
        int[] towards = targets == null ? labels : targets;
        INDArray sel = Nd4j.zeros(DataType.DOUBLE, b, k);
        for (int i = 0; i < b; i++) {
            sel.putScalar(i, towards[i], 1);
        }
        double[] c = new double[b];
        double[] lower = new double[b];
        double[] upper = new double[b];
        Arrays.fill(c, initialConstant);
        Arrays.fill(upper, 1e10);
        INDArray bestL2 = Nd4j.valueArrayOf(new long[]{b, 1}, Double.MAX_VALUE, DataType.DOUBLE);
        INDArray best = x0.dup();
        int[] used = new int[b];
        for (int step = 0; step < binarySteps; step++) {
            INDArray w = w0.dup();
            INDArray m = Nd4j.zeros(DataType.DOUBLE, w.shape());
            INDArray v = Nd4j.zeros(DataType.DOUBLE, w.shape());
            INDArray cv = Nd4j.createFromArray(c).reshape(b, 1);
            INDArray succeeded = Nd4j.zeros(DataType.DOUBLE, b, 1);
            double previous = Double.POSITIVE_INFINITY;
            for (int it = 0; it < iterations; it++) {
                INDArray xa = Transforms.tanh(w, true).addi(1).muli(0.5);
                INDArray xf = xa.reshape(shape).castTo(x.dataType());
                Classifier.ForwardPass pass = model.forwardPass(xf);
                INDArray z = pass.logits().castTo(DataType.DOUBLE);
                Terms terms = Terms.of(xa, x0, z, sel, targets != null, confidence);
                INDArray others = terms.others();
                INDArray maxOther = others.max(true, 1);
                INDArray margin = terms.margin();
                INDArray active = margin.gt(-confidence).castTo(DataType.DOUBLE);
                INDArray delta = terms.delta();
                INDArray l2sq = terms.l2sq();
                double loss = l2sq.add(cv.mul(terms.f())).sumNumber().doubleValue();
                // ∂f/∂Z: ±(e_other − e_towards) where f is not clamped; e_other marks the strongest other class
                INDArray argOther = others.subColumnVector(maxOther).gte(0).castTo(DataType.DOUBLE);
                INDArray dfdz = (targets == null ? sel.sub(argOther) : argOther.sub(sel)).muliColumnVector(active.mul(cv));
                INDArray gradX = pass.gradient(dfdz.castTo(x.dataType())).reshape(b, -1).castTo(DataType.DOUBLE)
                        .addi(delta.mul(2));
                // chain rule through x' = ½(tanh(w) + 1)
                INDArray t = Transforms.tanh(w, true);
                INDArray gradW = gradX.muli(t.muli(t).rsubi(1).muli(0.5));
                adam(w, gradW, m, v, it + 1);
                // keep the best successful perturbation (success with the confidence margin, as in the paper's code)
                INDArray reached = confidence == 0 ? margin.lt(0) : margin.lte(-confidence);
                INDArray improved = reached.castTo(DataType.DOUBLE).muli(l2sq.lt(bestL2).castTo(DataType.DOUBLE));
                best.muliColumnVector(improved.rsub(1)).addi(xa.mulColumnVector(improved));
                Transforms.min(bestL2, l2sq.add(improved.rsub(1).muli(1e300)), false);
                Transforms.max(succeeded, reached.castTo(DataType.DOUBLE), false);
                for (int i = 0; i < b; i++) {
                    used[i]++;
                }
                if (abortEarly && it % Math.max(1, iterations / 10) == 0) {
                    if (loss > previous * 0.9999) {
                        break;
                    }
                    previous = loss;
                }
            }
            double[] succeededThisStep = succeeded.reshape(b).toDoubleVector();
            for (int i = 0; i < b; i++) {
                if (succeededThisStep[i] > 0) {
                    upper[i] = Math.min(upper[i], c[i]);
                    c[i] = (lower[i] + upper[i]) / 2;
                } else {
                    lower[i] = Math.max(lower[i], c[i]);
                    c[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : c[i] * 10;
                }
            }
        }
        INDArray adv = best.reshape(shape).castTo(x.dataType());
        int[] after = model.predict(adv);
        int[] iters = IntStream.range(0, b).map(i -> used[i]).toArray();
        return AttackResult.of(name(), x, adv, labels, targets, before, after, iters, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The objective of one sample per row, ‖x' − x‖₂² + c·f(x') with x' = ½(tanh(w) + 1) (the quantity each Adam step
     * decreases), for the targeted attack.
     *
     * @param model      the attacked classifier
     * @param w          the variables in tanh space, with the shape of x
     * @param x          the original batch
     * @param targets    the target class per sample
     * @param c          the constant per sample
     * @param confidence κ ≥ 0
     * @return the objective per sample
     */
    public static double[] objective(Classifier model, INDArray w, INDArray x, int[] targets, double[] c, double confidence) {
        int b = targets.length;
        if (c.length != b || w.size(0) != b || x.size(0) != b || !Arrays.equals(w.shape(), x.shape())) {
            throw new IllegalArgumentException("w, x, targets and c must describe the same " + b + " samples, got w " + Arrays.toString(w.shape())
                    + ", x " + Arrays.toString(x.shape()) + ", " + c.length + " constants");
        }
        INDArray xa = Transforms.tanh(w.reshape(b, -1).castTo(DataType.DOUBLE), true).addi(1).muli(0.5);
        INDArray z = model.logits(xa.reshape(x.shape()).castTo(x.dataType())).castTo(DataType.DOUBLE);
        INDArray sel = LabeledImages.oneHot(targets, model.classes()).castTo(DataType.DOUBLE);
        Terms terms = Terms.of(xa, x.reshape(b, -1).castTo(DataType.DOUBLE), z, sel, true, confidence);
        return terms.l2sq().add(Nd4j.createFromArray(c).reshape(b, 1).mul(terms.f())).reshape(b).toDoubleVector();
    }

    /**
     * The terms of the objective for a batch in tanh space's image x' (rows): f = max(margin, −κ) with the margin
     * max_{i≠t} Z_i − Z_t (targeted) or Z_y − max_{i≠y} Z_i, the perturbation δ = x' − x and ‖δ‖₂².
     */
    private record Terms(INDArray others, INDArray margin, INDArray f, INDArray delta, INDArray l2sq) {
        static Terms of(INDArray xa, INDArray x0, INDArray z, INDArray sel, boolean targeted, double confidence) {
            INDArray zTowards = z.mul(sel).sum(true, 1);
            INDArray others = z.add(sel.mul(-1e30)); // exclude the class itself from the max
            INDArray maxOther = others.max(true, 1);
            INDArray margin = targeted ? maxOther.sub(zTowards) : zTowards.sub(maxOther);
            INDArray delta = xa.sub(x0);
            return new Terms(others, margin, Transforms.max(margin, -confidence, true), delta, delta.mul(delta).sum(true, 1));
        }
    }

    /** One Adam step (β1 0.9, β2 0.999, ε 1e-8) on w in place. */
    private void adam(INDArray w, INDArray g, INDArray m, INDArray v, int t) {
        m.muli(0.9).addi(g.mul(0.1));
        v.muli(0.999).addi(g.mul(g).muli(0.001));
        double lr = learningRate * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
        w.subi(m.div(Transforms.sqrt(v, true).addi(1e-8)).muli(lr));
    }

    public static final class Builder {
        private int binarySteps = 9;
        private int iterations = 1000;
        private double learningRate = 0.01;
        private double initialConstant = 1e-3;
        private double confidence = 0;
        private boolean abortEarly = true;

        /** Binary-search steps over c (default 9). */
        public Builder binarySteps(int v) {
            binarySteps = AttackInputs.positive("binarySteps", v);
            return this;
        }

        /** Adam iterations per binary-search step (default 1,000; the paper up to 10,000). */
        public Builder iterations(int v) {
            iterations = AttackInputs.positive("iterations", v);
            return this;
        }

        /** Adam learning rate (default 0.01). */
        public Builder learningRate(double v) {
            learningRate = AttackInputs.inRange("learningRate", v, 0, 10, true);
            return this;
        }

        /** The first c of every sample's search (default 10⁻³; Wang et al. use 0.6). */
        public Builder initialConstant(double v) {
            initialConstant = AttackInputs.inRange("initialConstant", v, 0, 1e10, true);
            return this;
        }

        /** Confidence κ ≥ 0 of objective f6 (default 0). */
        public Builder confidence(double v) {
            confidence = AttackInputs.inRange("confidence", v, 0, 1e6, false);
            return this;
        }

        /** Stop a binary-search step when the loss stalls (default true). */
        public Builder abortEarly(boolean v) {
            abortEarly = v;
            return this;
        }

        public CarliniWagnerL2 build() {
            return new CarliniWagnerL2(this);
        }
    }
}
