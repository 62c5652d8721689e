package io.github.ark4j.model;

import io.github.ark4j.engine.DifferentiableNetwork;
import io.github.ark4j.engine.Engine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Classifier} over a DL4J {@link MultiLayerNetwork} whose last layer outputs the logits (identity
 * activation), as every {@link Architecture} does. Logits and gradients come from the engine's
 * {@link DifferentiableNetwork} of the network (one forward pass stores the activations, each gradient is one backward
 * pass from them: a loss, logit or probability gradient takes one, a K-class Jacobian K); the network itself is not
 * modified and keeps its parameters shared with the classifier (training it moves the classifier).
 */
public final class NetworkClassifier implements Classifier {
    private final MultiLayerNetwork network;
    private final DifferentiableNetwork engine;
    private final int classes;
    private final long[] inputShape;
    /** Counts forward passes, so that a {@link ForwardPass} knows when its activations were replaced. */
    private long forwardPasses;

    /** A classifier on the default {@link Engine}. */
    public NetworkClassifier(MultiLayerNetwork network, long[] inputShape) {
        this(network, inputShape, Engine.defaults());
    }

    /** A classifier whose logits and gradients run on a given engine (e.g. DL4J's own layers, as a reference). */
    public NetworkClassifier(MultiLayerNetwork network, long[] inputShape, Engine engine) {
        this.network = network;
        this.inputShape = inputShape.clone();
        this.engine = engine.differentiable(network);
        this.classes = this.engine.classes();
    }

    /** A classifier on a network built from an {@link Architecture}. */
    public NetworkClassifier(MultiLayerNetwork network, Architecture architecture) {
        this(network, architecture, Engine.defaults());
    }

    /** A classifier on a network built from an {@link Architecture}, on a given engine. */
    public NetworkClassifier(MultiLayerNetwork network, Architecture architecture, Engine engine) {
        this(network, new long[]{architecture.channels(), architecture.height(), architecture.width()}, engine);
    }

    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public INDArray logits(INDArray x) {
        Tensors.requireBatch("x", x, inputShape);
        return engine.logits(x);
    }

    /** Forward pass that keeps the layer inputs for the backward passes; returns the logits. */
    private INDArray forward(INDArray x) {
        Tensors.requireBatch("x", x, inputShape);
        forwardPasses++;
        return engine.forward(x);
    }

    /** {@inheritDoc} One forward pass; each gradient is one backward pass from its stored activations. */
    @Override
    public ForwardPass forwardPass(INDArray x) {
        INDArray z = forward(x).dup();
        long pass = forwardPasses;
        return ForwardPass.of(z, w -> {
            if (pass != forwardPasses) {
                throw new IllegalStateException("this forward pass was replaced by a later one on the same classifier");
            }
            requireWeights(x, w);
            return engine.backward(w);
        });
    }

    @Override
    public INDArray logitGradient(INDArray x, INDArray w) {
        forward(x);
        requireWeights(x, w);
        return engine.backward(w);
    }

    @Override
    public INDArray probabilityGradient(INDArray x, int[] classOfSample, double temperature) {
        INDArray z = forward(x);
        if (classOfSample.length != x.size(0)) {
            throw new IllegalArgumentException("classOfSample holds " + classOfSample.length + " entries for a batch of " + x.size(0));
        }
        INDArray p = TemperatureCrossEntropy.softmax(z, temperature);
        return engine.backward(probabilityRowWeights(p, classOfSample, temperature));
    }

    @Override
    public INDArray probabilityJacobian(INDArray x, double temperature) {
        INDArray z = forward(x);
        INDArray p = TemperatureCrossEntropy.softmax(z, temperature);
        int b = (int) x.size(0);
        INDArray jac = Nd4j.create(z.dataType(), b, classes, inputShape[0], inputShape[1], inputShape[2]);
        int[] cls = new int[b];
        for (int k = 0; k < classes; k++) {
            java.util.Arrays.fill(cls, k);
            INDArray w = probabilityRowWeights(p, cls, temperature);
            INDArray g = engine.backward(w);
            jac.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(k)).assign(g);
            w.close();
            g.close();
        }
        return jac;
    }

    /** ε at the logits for ∂F_j/∂x: ∂F_j/∂Z_k = F_j(δ_jk − F_k)/T, row by row with j = cls[b]. */
    private static INDArray probabilityRowWeights(INDArray p, int[] cls, double temperature) {
        INDArray onehot = Nd4j.zeros(p.dataType(), p.size(0), p.size(1));
        for (int i = 0; i < cls.length; i++) {
            onehot.putScalar(i, cls[i], 1.0);
        }
        INDArray fj = p.mul(onehot).sum(true, 1);
        return onehot.subi(p).muliColumnVector(fj).divi(temperature);
    }

    private void requireWeights(INDArray x, INDArray w) {
        if (w.rank() != 2 || w.size(0) != x.size(0) || w.size(1) != classes) {
            throw new IllegalArgumentException("weights/labels must have shape [" + x.size(0) + ", " + classes + "], got "
                    + java.util.Arrays.toString(w.shape()));
        }
    }
}
