package io.github.ark4j.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A linear softmax classifier Z = W·x + b whose gradients are known in closed form: ∂Z_k/∂x = W_k, so
 * ∂(Σ w_k Z_k)/∂x = wᵀW and ∂L/∂x = ((softmax(Z/T) − y)/T)ᵀ W. Attacks on it have analytic answers.
 */
public final class LinearSoftmax implements Classifier {
    public final INDArray w; // [K, n]
    public final INDArray b; // [K]
    public final long[] shape;

    public LinearSoftmax(INDArray w, INDArray b, long[] shape) {
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

    /** ∂Z/∂x: W for every sample, [B, K, shape]. */
    @Override
    public INDArray logitJacobian(INDArray x) {
        long bs = x.size(0);
        INDArray j = Nd4j.zeros(DataType.DOUBLE, bs, w.size(0), w.size(1));
        for (int i = 0; i < bs; i++) {
            j.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(w);
        }
        return j.reshape(jacobianShape(bs)).castTo(x.dataType());
    }

    /** ∂F/∂x row by row from {@link #probabilityGradient}, [B, K, shape]. */
    @Override
    public INDArray probabilityJacobian(INDArray x, double temperature) {
        long bs = x.size(0);
        int k = classes();
        INDArray j = Nd4j.zeros(DataType.DOUBLE, bs, k, w.size(1));
        int[] cls = new int[(int) bs];
        for (int c = 0; c < k; c++) {
            java.util.Arrays.fill(cls, c);
            j.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .assign(probabilityGradient(x, cls, temperature).reshape(bs, -1));
        }
        return j.reshape(jacobianShape(bs)).castTo(x.dataType());
    }

    private long[] jacobianShape(long bs) {
        long[] s = new long[shape.length + 2];
        s[0] = bs;
        s[1] = w.size(0);
        System.arraycopy(shape, 0, s, 2, shape.length);
        return s;
    }
}
