package io.github.ark4j.engine;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A trained network's logits and their input gradients, made by {@link Engine#differentiable}.
 *
 * <p>Gradient mechanism: DL4J's {@code MultiLayerNetwork.backpropGradient(ε)} with an arbitrary ε at the logits. DL4J
 * refuses that on a network that ends in an {@code OutputLayer}, so this keeps a "logits twin": the same configuration
 * with the output layer replaced by an identity {@code DenseLayer}, initialised on the very same parameter array (no
 * copy; training the original updates the twin), without dropout (DL4J's backprop re-applies a layer's dropout as in
 * training). One {@link #forward} stores the activations, and each {@link #backward} from them costs one backward
 * pass: ∂(Σ ε·Z)/∂x. ComputationGraph is avoided: it cannot return input gradients in DL4J 1.0.0-M2.1 (DL4J issue
 * 8173). Inference runs on a second parameter-sharing copy with the training helpers, so the caller's network is
 * never modified.
 */
public final class DifferentiableNetwork {
    private final MultiLayerNetwork inference;
    private final MultiLayerNetwork twin;
    private final int classes;
    private final DataType dataType;
    /**
     * The arrays the last {@link #forward} allocated for its activations, released by the next one: left to the
     * garbage collector, a gradient's off-heap activations outlive it by thousands of calls and hold hundreds of MB.
     */
    private List<INDArray> ownActivations = List.of();

    DifferentiableNetwork(MultiLayerNetwork trained, Engine engine) {
        MultiLayerConfiguration base = trained.getLayerWiseConfigurations();
        this.dataType = base.getDataType();
        this.inference = engine.sharedCopy(trained);

        MultiLayerConfiguration conf = base.clone();
        for (NeuralNetConfiguration c : conf.getConfs()) {
            c.getLayer().setIDropout(null);
        }
        NeuralNetConfiguration lastConf = conf.getConf(conf.getConfs().size() - 1);
        FeedForwardLayer out = (FeedForwardLayer) lastConf.getLayer();
        this.classes = (int) out.getNOut();
        lastConf.setLayer(new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut()).activation(Activation.IDENTITY).build());
        this.twin = new MultiLayerNetwork(conf);
        this.twin.init(trained.params(), false);
        if (engine.convolution() != Engine.Convolution.BUILT_IN) {
            // the twin is only differentiated with respect to its input, never trained
            FastConvolution.install(twin, engine.convolution(), true);
            InputGradientDenseLayer.install(twin);
            if (engine.convolution() == Engine.Convolution.ONEDNN) {
                MaxPoolingLayer.install(twin, true);
            }
        }
    }

    public int classes() {
        return classes;
    }

    /** The data type of the network's parameters; inputs are cast to it. */
    public DataType dataType() {
        return dataType;
    }

    /** The logits for a batch (inference, no activations kept). */
    public INDArray logits(INDArray x) {
        return inference.output(x.castTo(dataType), false);
    }

    /**
     * A forward pass that keeps every layer's activations for the {@link #backward} passes that follow; returns the
     * logits, valid until the next forward pass (which releases them).
     */
    public INDArray forward(INDArray x) {
        ownActivations.forEach(INDArray::close); // a no-op on views, such as the convolutions' reused output buffers
        INDArray input = x.castTo(dataType);
        twin.setInput(input);
        List<INDArray> acts = twin.feedForward(false, false);
        // the first is the input; a layer's output may be the input's own buffer reshaped, which is the caller's
        ownActivations = acts.subList(1, acts.size()).stream().filter(a -> a.data() != input.data() && a.data() != x.data()).toList();
        return acts.get(acts.size() - 1);
    }

    /**
     * A backward pass from ε at the logits of the last {@link #forward}; returns ∂(Σ ε·Z)/∂x with the input's shape.
     * The convolutions' and dense layers' pre-activations come from the forward pass: the input and the parameters must
     * not have been changed in place since.
     */
    public INDArray backward(INDArray eps) {
        INDArray top = eps.castTo(dataType).dup();
        INDArray g = FastConvolution.backwardAfterForward(twin,
                () -> twin.backpropGradient(top, LayerWorkspaceMgr.noWorkspaces()).getSecond());
        top.close();
        // DL4J detaches the input gradient from its workspaces: a new array, unless a layer handed back a view
        return g.isView() || g.isAttached() ? g.dup() : g;
    }

    /** The logits twin, for the engine's own tests. */
    MultiLayerNetwork twin() {
        return twin;
    }
}
