package io.github.ark4j.model;

import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.function.UnaryOperator;

/**
 * What attacks and detectors need of a model, and nothing more (the estimator idea of IBM ART): logits,
 * probabilities at a temperature, and batched input gradients. Every method works on a whole batch
 * x of shape [B, C, H, W] with values in [0,1]; gradients have the shape of x (Jacobians one more axis).
 * Implementations are not thread-safe.
 */
public interface Classifier {

    /** Number of classes K. */
    int classes();

    /** Shape of one input {C, H, W}. */
    long[] inputShape();

    /** The logits Z(x), [B, K]. */
    INDArray logits(INDArray x);

    /** The softmax at temperature T, F(x) = softmax(Z(x)/T), [B, K]. */
    default INDArray probabilities(INDArray x, double temperature) {
        return TemperatureCrossEntropy.softmax(logits(x), temperature);
    }

    /** The predicted class of each input (argmax of the logits). */
    default int[] predict(INDArray x) {
        return Tensors.argmaxRows(logits(x));
    }

    /**
     * One forward pass on x kept for backward passes from it: the logits, and input gradients of weighted logits
     * without a second forward pass. Iterative attacks read the prediction and step in the same iteration: with this
     * they pay one forward pass per iteration instead of one per question. Valid until this classifier's next forward
     * pass of any kind.
     */
    interface ForwardPass {
        /** A pass with the given logits whose gradients {@code gradient} computes. */
        static ForwardPass of(INDArray logits, UnaryOperator<INDArray> gradient) {
            return new ForwardPass() {
                @Override
                public INDArray logits() {
                    return logits;
                }

                @Override
                public INDArray gradient(INDArray w) {
                    return gradient.apply(w);
                }
            };
        }

        /** Z(x), [B, K]. */
        INDArray logits();

        /** ∂/∂x of Σ_b Σ_k w[b,k]·Z_k(x_b), as {@link Classifier#logitGradient}, from the kept forward pass. */
        INDArray gradient(INDArray w);

        /** ∂Z/∂x, [B, K, C, H, W], as {@link Classifier#logitJacobian}: K backward passes from the kept forward pass. */
        default INDArray logitJacobian() {
            INDArray z = logits();
            long b = z.size(0);
            int k = (int) z.size(1);
            INDArray jac = null;
            for (int c = 0; c < k; c++) {
                INDArray w = Nd4j.zeros(z.dataType(), b, k);
                w.getColumn(c).assign(1);
                INDArray g = gradient(w);
                if (jac == null) {
                    long[] shape = new long[g.rank() + 1];
                    shape[0] = b;
                    shape[1] = k;
                    System.arraycopy(g.shape(), 1, shape, 2, g.rank() - 1);
                    jac = Nd4j.create(g.dataType(), shape);
                }
                jac.get(NDArrayIndex.all(), NDArrayIndex.point(c)).assign(g);
                // released now rather than by the garbage collector, which would let K per batch pile up off-heap
                w.close();
                g.close();
            }
            return jac;
        }

        /** {@link Classifier#lossGradient} from the kept forward pass. */
        default INDArray lossGradient(INDArray labels, double temperature) {
            INDArray z = logits();
            return gradient(new TemperatureCrossEntropy(temperature).computeGradient(labels.castTo(z.dataType()), z,
                    Activation.IDENTITY.getActivationFunction(), null));
        }

        /** {@link Classifier#lossDirection} from the kept forward pass. */
        default INDArray lossDirection(INDArray oneHot, double temperature) {
            INDArray z = logits();
            return gradient(TemperatureCrossEntropy.rescaledGradient(z, oneHot, temperature).castTo(z.dataType()));
        }
    }

    /**
     * A {@link ForwardPass} on x. This default runs {@link #logits} now and {@link #logitGradient} (its own forward
     * pass) per gradient: right for models whose forward pass costs little; networks override it.
     */
    default ForwardPass forwardPass(INDArray x) {
        return ForwardPass.of(logits(x), w -> logitGradient(x, w));
    }

    /**
     * ∂/∂x of Σ_b Σ_k w[b,k]·Z_k(x_b), a new array: row b is the gradient of sample b's weighted logits alone (one
     * backward pass). With w one-hot at class j this is ∂Z_j/∂x.
     */
    INDArray logitGradient(INDArray x, INDArray w);

    /**
     * Gradient of each sample's own cross-entropy loss at temperature T for the given labels (one-hot or soft), row
     * b = ∂L(x_b, y_b)/∂x_b: the gradient of the summed loss, not of the batch mean.
     */
    default INDArray lossGradient(INDArray x, INDArray labels, double temperature) {
        return forwardPass(x).lossGradient(labels, temperature);
    }

    /**
     * The direction of {@link #lossGradient} for one-hot labels, each row times a positive factor, computed without the
     * float32 cancellation of p_y − 1 on confident samples ({@link TemperatureCrossEntropy#rescaledGradient}): what
     * sign(·) and ·/‖·‖ steps need, exactly.
     */
    default INDArray lossDirection(INDArray x, INDArray oneHot, double temperature) {
        return forwardPass(x).lossDirection(oneHot, temperature);
    }

    /** ∂F_j/∂x for the probability of class j[b] of each sample at temperature T. */
    INDArray probabilityGradient(INDArray x, int[] classOfSample, double temperature);

    /** The logit Jacobian ∂Z/∂x, [B, K, C, H, W]: one forward pass and K backward passes per batch. */
    default INDArray logitJacobian(INDArray x) {
        return forwardPass(x).logitJacobian();
    }

    /** The probability Jacobian ∂F/∂x at temperature T, [B, K, C, H, W]. */
    INDArray probabilityJacobian(INDArray x, double temperature);
}
