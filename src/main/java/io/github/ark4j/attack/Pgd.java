package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.Tensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Projected Gradient Descent (Madry et al., "Towards Deep Learning Models Resistant to Adversarial Attacks",
 * ICLR 2018, eq. (2)) and, without the random start, the Basic Iterative Method / I-FGSM (Kurakin, Goodfellow,
 * Bengio, "Adversarial Examples in the Physical World", 2016, eq. (1)):
 * <pre>x⁰ = x + U(−ε, ε)  (PGD) or x (BIM);   xᵏ⁺¹ = Π_{B(x,ε) ∩ [0,1]} ( xᵏ + α · sign(∇ₓ J(θ, xᵏ, y)) )</pre>
 * In the L2 ball the step is α·∇J/‖∇J‖₂ and the projection rescales δ to ‖δ‖₂ ≤ ε. Defaults: the MNIST peer
 * setting of docs/papers.md, ε = 0.3, α = 0.01, 40 iterations. Samples that already succeeded leave the batch (their
 * adversarial example is final), unless {@code earlyStop(false)}.
 */
public final class Pgd implements Attack {
    private final double epsilon;
    private final double stepSize;
    private final int iterations;
    private final Norm norm;
    private final boolean randomStart;
    private final boolean earlyStop;
    private final long seed;
    private final double temperature;
    private final boolean exactDirection;

    private Pgd(Builder b) {
        this.epsilon = b.epsilon;
        this.stepSize = b.stepSize;
        this.iterations = b.iterations;
        this.norm = b.norm;
        this.randomStart = b.randomStart;
        this.earlyStop = b.earlyStop;
        this.seed = b.seed;
        this.temperature = b.temperature;
        this.exactDirection = b.exactDirection;
    }

    /** PGD with a random start. */
    public static Builder builder() {
        return new Builder().randomStart(true);
    }

    /** BIM / I-FGSM: PGD without the random start. */
    public static Builder bim() {
        return new Builder().randomStart(false);
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "%s(eps=%s, step=%s, iter=%d, %s%s)", randomStart ? "PGD" : "BIM", epsilon, stepSize, iterations, norm,
                exactDirection ? ", exact direction" : "");
    }

    @Override
    public AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets) {
        AttackInputs.validate(model, x, labels, targets);
        long t0 = System.nanoTime();
        int b = labels.length;
        int[] before = model.predict(x);
        INDArray adv = x.dup();
        if (randomStart) {
            Nd4j.getRandom().setSeed(seed);
            INDArray noise = Nd4j.rand(x.dataType(), x.shape()).muli(2 * epsilon).subi(epsilon);
            if (norm == Norm.L2) {
                noise = Steps.scaledStep(noise, epsilon, Norm.L2).muli(Nd4j.rand(DataType.DOUBLE, 1).getDouble(0));
            }
            adv = Steps.project(adv.addi(noise), x, epsilon, norm);
        }
        int[] used = new int[b];
        int[] active = IntStream.range(0, b).toArray();
        for (int it = 0; it < iterations && active.length > 0; it++) {
            Classifier.ForwardPass pass = model.forwardPass(Steps.rows(adv, active));
            INDArray g = Steps.ascent(pass, Steps.subset(labels, active), Steps.subset(targets, active), temperature, exactDirection);
            if (earlyStop) {
                // the step's own forward pass tells which samples are adversarial already: they keep their x'
                int[] pred = Tensors.argmaxRows(pass.logits());
                int[] act = active;
                int[] keep = IntStream.range(0, act.length).filter(k -> !Steps.succeeded(pred[k], labels[act[k]], targets, act[k])).toArray();
                if (keep.length == 0) {
                    break;
                }
                if (keep.length < act.length) {
                    g = Steps.rows(g, keep);
                    active = IntStream.of(keep).map(k -> act[k]).toArray();
                }
            }
            INDArray xa = Steps.rows(adv, active);
            INDArray next = Steps.project(xa.addi(Steps.scaledStep(g, stepSize, norm)), Steps.rows(x, active), epsilon, norm);
            Steps.putRows(adv, active, next);
            for (int i : active) {
                used[i]++;
            }
        }
        int[] after = model.predict(adv);
        return AttackResult.of(name(), x, adv, labels, targets, before, after, used, (System.nanoTime() - t0) / 1e9);
    }

    public static final class Builder {
        private double epsilon = 0.3;
        private double stepSize = 0.01;
        private int iterations = 40;
        private Norm norm = Norm.LINF;
        private boolean randomStart;
        private boolean earlyStop = true;
        private long seed = 1;
        private double temperature = 1;
        private boolean exactDirection;

        public Builder epsilon(double v) {
            epsilon = AttackInputs.inRange("epsilon", v, 0, Double.MAX_VALUE, false);
            return this;
        }

        public Builder stepSize(double v) {
            stepSize = AttackInputs.inRange("stepSize", v, 0, Double.MAX_VALUE, true);
            return this;
        }

        public Builder iterations(int v) {
            iterations = AttackInputs.positive("iterations", v);
            return this;
        }

        public Builder norm(Norm v) {
            norm = v;
            return this;
        }

        public Builder randomStart(boolean v) {
            randomStart = v;
            return this;
        }

        public Builder earlyStop(boolean v) {
            earlyStop = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder temperature(double v) {
            temperature = AttackInputs.inRange("temperature", v, 0, Double.MAX_VALUE, true);
            return this;
        }

        /** Each step along the loss gradient's exact direction, as {@link Fgsm.Builder#exactDirection} (default false). */
        public Builder exactDirection(boolean v) {
            exactDirection = v;
            return this;
        }

        public Pgd build() {
            if (norm == Norm.LINF) {
                AttackInputs.inRange("epsilon", epsilon, 0, 1, false);
            }
            return new Pgd(this);
        }
    }
}
