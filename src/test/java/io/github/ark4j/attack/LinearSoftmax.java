package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.TemperatureCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A linear softmax classifier Z = W·x + b whose gradients are known in closed form: ∂Z_k/∂x = W_k, so
 * ∂(Σ w_k Z_k)/∂x = wᵀW and ∂L/∂x = ((softmax(Z/T) − y)/T)ᵀ W. Attacks on it have analytic answers.
 */
final class LinearSoftmax implements Classifier {
    final INDArray w; // [K, n]
    final INDArray b; // [K]
    final long[] shape;

    LinearSoftmax(INDArray w, INDArray b, long[] shape) {
        this.w = w.castTo(DataType.DOUBLE);
        this.b = b.castTo(DataType.DOUBLE);
        this.shape = shape;
    }

    @Override
    public int classes() {
        return (int) w.size(0);
    }

    @Override
    public long[] inputShape() {
        return shape.clone();
    }

    private INDArray flat(INDArray x) {
        return x.reshape(x.size(0), -1).castTo(DataType.DOUBLE);
    }

    @Override
    public INDArray logits(INDArray x) {
        return flat(x).mmul(w.transpose()).addiRowVector(b);
    }

    @Override
    public INDArray logitGradient(INDArray x, INDArray weights) {
        return weights.castTo(DataType.DOUBLE).mmul(w).reshape(x.shape()).castTo(x.dataType());
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray labels, double temperature) {
        INDArray p = TemperatureCrossEntropy.softmax(logits(x), temperature);
        return logitGradient(x, p.subi(labels.castTo(DataType.DOUBLE)).divi(temperature));
    }

    @Override
    public INDArray probabilityGradient(INDArray x, int[] cls, double temperature) {
        INDArray p = TemperatureCrossEntropy.softmax(logits(x), temperature);
        INDArray eps = Nd4j.zeros(DataType.DOUBLE, p.shape());
        for (int i = 0; i < cls.length; i++) {
            for (int k = 0; k < classes(); k++) {
                double fj = p.getDouble(i, cls[i]);
                eps.putScalar(i, k, fj * ((k == cls[i] ? 1 : 0) - p.getDouble(i, k)) / temperature);
            }
        }
        return logitGradient(x, eps);
    }

    @Override
    public INDArray logitJacobian(INDArray x) {
        throw new UnsupportedOperationException("not needed by these tests");
    }

    @Override
    public INDArray probabilityJacobian(INDArray x, double temperature) {
        throw new UnsupportedOperationException("not needed by these tests");
    }
}
