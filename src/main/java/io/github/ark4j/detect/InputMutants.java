package io.github.ark4j.detect;

import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The input-mutation variant (Wang et al., arXiv 1805.05010, the version the overview describes): instead of mutating
 * the model, mutant k perturbs the inputs and the original model labels them. Mutant k replaces a random share
 * {@code rate} of each input's pixels by uniform random values in [0, 1], drawn from seed k (the same pixels and
 * values for every input of the batch, so a mutant is one fixed transformation, as a model mutant is).
 */
public final class InputMutants implements Mutants {
    private final Classifier model;
    private final double rate;
    private final int count;

    public InputMutants(Classifier model, double rate, int count) {
        if (!(rate > 0) || rate > 1) {
            throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be ≥ 1, got " + count);
        }
        this.model = model;
        this.rate = rate;
        this.count = count;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int[] reference(INDArray x) {
        return Accuracy.predictions(model, x);
    }

    @Override
    public int[] labels(int k, INDArray x) {
        return Accuracy.predictions(model, mutate(x, k));
    }

    /** The inputs as mutant k sees them. */
    public INDArray mutate(INDArray x, int k) {
        int n = (int) (x.length() / x.size(0));
        // one mask and one set of values per mutant (n numbers), applied to the whole batch by ND4J
        SplittableRandom rng = new SplittableRandom(0x5DEECE66DL + k);
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = rng.nextDouble() < rate ? 1f : 0f;
            v[i] = (float) rng.nextDouble();
        }
        INDArray mask = Nd4j.createFromArray(m).reshape(1, n).castTo(x.dataType());
        INDArray values = Nd4j.createFromArray(v).reshape(1, n).castTo(x.dataType());
        INDArray flat = x.reshape(x.size(0), n);
        // x' = x·(1 − m) + v·m, row by row
        INDArray out = flat.mulRowVector(mask.rsub(1)).addiRowVector(values.mul(mask));
        return out.reshape(x.shape());
    }
}
