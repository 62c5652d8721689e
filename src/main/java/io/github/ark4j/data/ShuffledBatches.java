package io.github.ark4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Mini-batches DL4J can train on, in a seeded order: epoch e visits the samples in a permutation drawn from
 * (seed, e) alone, so a run resumed at epoch e sees exactly the batches an uninterrupted run would.
 * Labels may be one-hot or soft (probability rows, as defensive distillation needs).
 */
public final class ShuffledBatches implements DataSetIterator {
    private final INDArray features;
    private final INDArray flatFeatures;
    private final INDArray labels;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private int epoch;
    private int[] order;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    /**
     * @param features NCHW inputs
     * @param labels   [n, classes] one-hot or soft labels
     * @param seed     seed of the shuffling; ignored when {@code shuffle} is false
     * @param epoch    the epoch to start at (0 for a new run)
     */
    public ShuffledBatches(INDArray features, INDArray labels, int batchSize, boolean shuffle, long seed, int epoch) {
        if (features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("features hold " + features.size(0) + " samples but labels hold " + labels.size(0));
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.features = features;
        this.flatFeatures = features.reshape(features.size(0), -1);
        this.labels = labels;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.epoch = epoch;
        this.order = permutation();
    }

    /** Batches of a labelled image set with one-hot labels. */
    public static ShuffledBatches of(LabeledImages data, int batchSize, long seed) {
        return new ShuffledBatches(data.features(), data.oneHot(), batchSize, true, seed, 0);
    }

    /** The epoch whose order the iterator is in. */
    public int epoch() {
        return epoch;
    }

    /** The sample order of an epoch: the identity without shuffling, else a seeded Fisher-Yates permutation. */
    private int[] permutation() {
        int n = (int) features.size(0);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        return p;
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is exhausted; call reset()");
        }
        int m = Math.min(num, order.length - cursor);
        int[] idx = new int[m];
        System.arraycopy(order, cursor, idx, 0, m);
        cursor += m;
        long[] shape = features.shape().clone();
        shape[0] = m;
        INDArray x = Nd4j.pullRows(flatFeatures, 1, idx).reshape(shape);
        INDArray y = Nd4j.pullRows(labels, 1, idx);
        DataSet ds = new DataSet(x, y);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    /** Moves to the next epoch (a new seeded order) — DL4J calls this between epochs. */
    @Override
    public void reset() {
        if (cursor > 0) {
            epoch++;
            order = permutation();
        }
        cursor = 0;
    }

    /** Positions the iterator at the start of the given epoch. */
    public void startEpoch(int e) {
        epoch = e;
        order = permutation();
        cursor = 0;
    }

    /** Number of batches per epoch. */
    public int batchesPerEpoch() {
        return (order.length + batchSize - 1) / batchSize;
    }

    @Override
    public int inputColumns() {
        return (int) flatFeatures.size(1);
    }

    @Override
    public int totalOutcomes() {
        return (int) labels.size(1);
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
