package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Locale;

/**
 * Fast Gradient Sign Method (Goodfellow, Shlens, Szegedy, "Explaining and Harnessing Adversarial Examples",
 * ICLR 2015), eq. (3):
 * <pre>x' = clip₍₀,₁₎( x + ε · sign(∇ₓ J(θ, x, y)) )</pre>
 * and its L2 variant x' = x + ε·∇J/‖∇J‖₂. Targeted: x' = x − ε·sign(∇ₓ J(θ, x, t)). One gradient per batch.
 * Default ε = 0.3 (the usual MNIST setting of IBM ART and of docs/papers.md's peer figures).
 */
public final class Fgsm implements Attack {
    private final double epsilon;
    private final Norm norm;
    private final double temperature;
    private final boolean exactDirection;

    private Fgsm(Builder b) {
        this.epsilon = b.epsilon;
        this.norm = b.norm;
        this.temperature = b.temperature;
        this.exactDirection = b.exactDirection;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FGSM(eps=%s, %s%s)", epsilon, norm, exactDirection ? ", exact direction" : "");
    }

    /** The perturbation before clipping to [0,1]: ε·sign(g) (L∞) or ε·g/‖g‖ (L2). */
    public INDArray perturbation(Classifier model, INDArray x, int[] labels, int[] targets) {
        AttackInputs.validate(model, x, labels, targets);
        return Steps.scaledStep(Steps.ascent(model, x, labels, targets, temperature, exactDirection), epsilon, norm);
    }

    /**
     * The step of eq. (3) from a given gradient: clip₍₀,₁₎(x + ε·sign(g)) for L∞, clip₍₀,₁₎(x + ε·g/‖g‖₂) for L2 (a new
     * array; sign(0) = 0, so a feature with a zero gradient keeps its value). Neither x nor the gradient is changed.
     */
    public INDArray apply(INDArray x, INDArray gradient) {
        if (!Arrays.equals(x.shape(), gradient.shape())) {
            throw new IllegalArgumentException("gradient must have the shape of x " + Arrays.toString(x.shape()) + ", got "
                    + Arrays.toString(gradient.shape()));
        }
        // the L2 step divides its argument in place
        return Steps.clip(Steps.scaledStep(norm == Norm.LINF ? gradient : gradient.dup(), epsilon, norm).addi(x));
    }

    @Override
    public AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets) {
        AttackInputs.validate(model, x, labels, targets);
        long t0 = System.nanoTime();
        // the gradient's forward pass also gives the clean prediction: two forward passes in all instead of three
        Classifier.ForwardPass pass = model.forwardPass(x);
        int[] before = Tensors.argmaxRows(pass.logits());
        INDArray adv = apply(x, Steps.ascent(pass, labels, targets, temperature, exactDirection));
        int[] after = model.predict(adv);
        int[] iterations = new int[labels.length];
        Arrays.fill(iterations, 1);
        return AttackResult.of(name(), x, adv, labels, targets, before, after, iterations, (System.nanoTime() - t0) / 1e9);
    }

    public static final class Builder {
        private double epsilon = 0.3;
        private Norm norm = Norm.LINF;
        private double temperature = 1;
        private boolean exactDirection;

        /** Budget ε in [0, 1] for L∞, ≥ 0 for L2. */
        public Builder epsilon(double v) {
            epsilon = AttackInputs.inRange("epsilon", v, 0, Double.MAX_VALUE, false);
            return this;
        }

        public Builder norm(Norm v) {
            norm = v;
            return this;
        }

        /** Temperature of the softmax inside the loss whose gradient is followed. */
        public Builder temperature(double v) {
            temperature = AttackInputs.inRange("temperature", v, 0, Double.MAX_VALUE, true);
            return this;
        }

        /**
         * Follow the loss gradient's exact direction (false, the default: the float32 loss gradient, as PyTorch-based
         * peers such as IBM ART compute it). On a confident net the float32 term p_y − 1 of ∂L/∂Z rounds to 0 and the
         * sign of the input gradient differs from the exact one in many pixels; true computes ∂L/∂Z rescaled per
         * sample without that cancellation ({@link Classifier#lossDirection}), which sign(·) and ·/‖·‖ do not see.
         */
        public Builder exactDirection(boolean v) {
            exactDirection = v;
            return this;
        }

        public Fgsm build() {
            if (norm == Norm.LINF) {
                AttackInputs.inRange("epsilon", epsilon, 0, 1, false);
            }
            return new Fgsm(this);
        }
    }
}
