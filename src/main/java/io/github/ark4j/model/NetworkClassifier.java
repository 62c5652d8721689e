package io.github.ark4j.model;

import io.github.ark4j.engine.FastConvolution;
import io.github.ark4j.engine.InputGradientDenseLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A {@link Classifier} over a DL4J {@link MultiLayerNetwork} whose last layer outputs the logits (identity
 * activation), as every {@link Architecture} does.
 *
 * <p>Gradient mechanism: DL4J's {@code MultiLayerNetwork.backpropGradient(ε)} with an arbitrary ε at the logits.
 * DL4J refuses that on a network that ends in an {@code OutputLayer}, so this class keeps a "logits twin": the same
 * configuration with the output layer replaced by an identity {@code DenseLayer}, initialised on the very same
 * parameter array (no copy; training the original updates the twin). One forward pass stores the activations, and
 * each backward pass from them costs one DL4J backprop: a loss, logit or probability gradient takes one, a
 * K-class Jacobian K. {@code calculateGradients} was not used: it returns only the summed-loss gradient.
 * ComputationGraph is avoided: it cannot return input gradients in 1.0.0-M2.1 (DL4J issue 8173). Both networks run
 * their convolutions through {@link FastConvolution}; the twin's dense layers are {@link InputGradientDenseLayer}s,
 * whose backward passes compute the input gradient only.
 */
public final class NetworkClassifier implements Classifier {
    private final MultiLayerNetwork network;
    private final MultiLayerNetwork twin;
    private final int classes;
    private final long[] inputShape;
    /** Counts forward passes on the twin, so that a {@link ForwardPass} knows when its activations were replaced. */
    private long forwardPasses;

    public NetworkClassifier(MultiLayerNetwork network, long[] inputShape) {
        this.network = network;
        this.inputShape = inputShape.clone();
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations().clone();
        // DL4J's backprop re-applies a layer's dropout (as in training); the twin is for inference-time gradients
        for (NeuralNetConfiguration c : conf.getConfs()) {
            c.getLayer().setIDropout(null);
        }
        int last = conf.getConfs().size() - 1;
        NeuralNetConfiguration lastConf = conf.getConf(last);
        FeedForwardLayer out = (FeedForwardLayer) lastConf.getLayer();
        this.classes = (int) out.getNOut();
        lastConf.setLayer(new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut()).activation(Activation.IDENTITY).build());
        this.twin = new MultiLayerNetwork(conf);
        this.twin.init(network.params(), false);
        FastConvolution.install(network);
        // the twin is only differentiated with respect to its input (logits, gradients, Jacobians), never trained
        FastConvolution.installForInputGradients(twin, FastConvolution.bestStrategy());
        InputGradientDenseLayer.install(twin);
    }

    /** A classifier on a network built from an {@link Architecture}. */
    public NetworkClassifier(MultiLayerNetwork network, Architecture architecture) {
        this(network, new long[]{architecture.channels(), architecture.height(), architecture.width()});
    }

    /** The logits twin (shares the parameters of {@link #network()}). */
    public MultiLayerNetwork twin() {
        return twin;
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
        return network.output(x.castTo(network.getLayerWiseConfigurations().getDataType()), false);
    }

    /** Forward pass on the twin that keeps the layer inputs for the backward passes; returns the logits. */
    private INDArray forward(INDArray x) {
        Tensors.requireBatch("x", x, inputShape);
        forwardPasses++;
        twin.setInput(x.castTo(twin.getLayerWiseConfigurations().getDataType()));
        List<INDArray> acts = twin.feedForward(false, false);
        return acts.get(acts.size() - 1);
    }

    /** {@inheritDoc} One forward pass on the twin; each gradient is one backward pass from its stored activations. */
    @Override
    public ForwardPass forwardPass(INDArray x) {
        INDArray z = forward(x).dup();
        long pass = forwardPasses;
        return ForwardPass.of(z, w -> {
            if (pass != forwardPasses) {
                throw new IllegalStateException("this forward pass was replaced by a later one on the same classifier");
            }
            requireWeights(x, w);
            return backward(w.castTo(twin.getLayerWiseConfigurations().getDataType()));
        });
    }

    /** Backward pass from ε at the logits, after {@link #forward}; returns ∂(Σ ε·Z)/∂x with the input's shape. */
    private INDArray backward(INDArray eps) {
        // the convolutions' pre-activations come from the forward pass (the twin's input and weights are not changed
        // in place between the two): DL4J would recompute each forward convolution
        return FastConvolution.backwardAfterForward(twin,
                () -> twin.backpropGradient(eps.dup(), LayerWorkspaceMgr.noWorkspaces()).getSecond().dup());
    }

    @Override
    public INDArray logitGradient(INDArray x, INDArray w) {
        forward(x);
        requireWeights(x, w);
        return backward(w.castTo(twin.getLayerWiseConfigurations().getDataType()));
    }

    @Override
    public INDArray probabilityGradient(INDArray x, int[] classOfSample, double temperature) {
        INDArray z = forward(x);
        if (classOfSample.length != x.size(0)) {
            throw new IllegalArgumentException("classOfSample holds " + classOfSample.length + " entries for a batch of " + x.size(0));
        }
        INDArray p = TemperatureCrossEntropy.softmax(z, temperature);
        return backward(probabilityRowWeights(p, classOfSample, temperature));
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
            jac.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(k))
                    .assign(backward(probabilityRowWeights(p, cls, temperature)));
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
