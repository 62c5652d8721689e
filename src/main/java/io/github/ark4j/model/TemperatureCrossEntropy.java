package io.github.ark4j.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cross-entropy of the softmax at temperature T, the training loss of defensive distillation
 * (Papernot et al. 2016, eq. (1) with the softmax F(X) = softmax(Z(X)/T)):
 * <pre>L(y, Z) = − Σ_k y_k log softmax(Z/T)_k,     ∂L/∂Z = (softmax(Z/T)·Σ_k y_k − y) / T</pre>
 * The layer it sits on must have the identity activation, so the network's output is the logits Z themselves and
 * any deployment temperature can be applied afterwards. Labels y may be one-hot or soft (probability rows).
 * Computed with a log-sum-exp shift, so it stays finite where the softmax underflows.
 */
public final class TemperatureCrossEntropy implements ILossFunction {
    private final double temperature;

    public TemperatureCrossEntropy(@JsonProperty("temperature") double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
        }
        this.temperature = temperature;
    }

    public double getTemperature() {
        return temperature;
    }

    private INDArray logits(INDArray preOutput, IActivation activationFn) {
        if (!(activationFn instanceof ActivationIdentity)) {
            throw new IllegalStateException("TemperatureCrossEntropy needs the identity activation on its layer (the layer outputs the logits), got " + activationFn);
        }
        return preOutput;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray s = logits(preOutput, activationFn).div(temperature);
        INDArray max = s.max(true, 1);
        INDArray lse = Transforms.log(Transforms.exp(s.subColumnVector(max), false).sum(true, 1), false).addi(max);
        INDArray score = lse.muli(labels.sum(true, 1)).subi(labels.mul(s).sum(true, 1));
        if (mask != null) {
            score.muli(mask.reshape(score.shape()));
        }
        return score.reshape(score.length());
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = softmax(logits(preOutput, activationFn), temperature);
        INDArray grad = p.muliColumnVector(labels.sum(true, 1)).subi(labels).divi(temperature);
        if (mask != null) {
            grad.muliColumnVector(mask.reshape(grad.size(0), 1));
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average), computeGradient(labels, preOutput, activationFn, mask));
    }

    /**
     * ∂L/∂Z = (softmax(Z/T) − y)/T for one-hot y, times a positive factor per sample, computed so that no term
     * cancels or underflows. With m the largest logit of the other classes, the weights are e_k = exp((Z_k − m)/T) for
     * k ≠ y and −Σ_{k≠y} e_k for y: (p_k − y_k)·S·exp(−m/T)/T with S = Σ_j exp(Z_j/T), since p_y − 1 = −Σ_{k≠y} p_k.
     * Computed directly, a confident sample's p_y rounds to 1, its term p_y − 1 vanishes while the others stay, and
     * the input gradient turns towards Σ_{k≠y} p_k ∇Z_k instead of Σ_{k≠y} p_k (∇Z_k − ∇Z_y). In double precision.
     */
    public static INDArray rescaledGradient(INDArray z, INDArray oneHot, double temperature) {
        INDArray y = oneHot.castTo(DataType.DOUBLE);
        // the labelled class pushed to −∞ (−MAX_VALUE/2 stays finite when logits are added) so that it drops out of the max
        INDArray others = z.castTo(DataType.DOUBLE).divi(temperature).addi(y.mul(-Double.MAX_VALUE / 2));
        INDArray e = Transforms.exp(others.subiColumnVector(others.max(true, 1)), false);
        return e.subi(y.mulColumnVector(e.sum(true, 1)));
    }

    /** softmax(z/T) row by row, shifted by the row maximum (a new array). */
    public static INDArray softmax(INDArray z, double temperature) {
        INDArray s = z.div(temperature);
        s.subiColumnVector(s.max(true, 1));
        Transforms.exp(s, false);
        return s.diviColumnVector(s.sum(true, 1));
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        return "TemperatureCrossEntropy(T=" + temperature + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemperatureCrossEntropy t && t.temperature == temperature;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(temperature);
    }
}
