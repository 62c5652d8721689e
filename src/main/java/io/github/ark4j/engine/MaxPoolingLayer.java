package io.github.ark4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * DL4J's max-pooling layer whose backward pass reads where the maxima were from its forward pass
 * ({@link OneDnnMaxPooling}) instead of pooling the input again, as DL4J 1.0.0-M2.1's {@code SubsamplingLayer} does
 * through libnd4j's {@code maxpool2d_bp}: the same oneDNN primitives, so the same outputs and input gradients bit for
 * bit. Installed by {@link Engine#accelerate} and on the gradient twin (oneDNN build), swapped in at run time, so saved
 * models stay DL4J's. A backward pass whose input is not the array of the layer's last forward pass, and every case
 * but float32 NCHW max pooling without dilation whose windows end at the padded input's edge, is DL4J's.
 */
final class MaxPoolingLayer extends SubsamplingLayer {
    private final OneDnnMaxPooling pooling = new OneDnnMaxPooling();
    /**
     * Whether every forward pass keeps its maxima (the gradient twin, whose forward passes are inference passes that
     * backward passes follow); otherwise only training passes do, and inference runs oneDNN's lighter inference pass.
     */
    private final boolean alwaysKeep;
    /** The input of the last forward pass this layer pooled itself, whose maxima {@link #pooling} keeps. */
    private INDArray forwardInput;
    /** How many backward passes read the maxima of their forward pass (for the tests). */
    long backwardsFromForward;

    private MaxPoolingLayer(NeuralNetConfiguration conf, DataType dataType, boolean alwaysKeep) {
        super(conf, dataType);
        this.alwaysKeep = alwaysKeep;
    }

    /**
     * Replaces the network's eligible pooling layers by these; returns how many were replaced. {@code forGradients}: the
     * network is a gradient twin, whose inference passes are followed by backward passes.
     */
    static int install(MultiLayerNetwork network, boolean forGradients) {
        return Layers.replace(network, MaxPoolingLayer::eligible, (conf, dataType) -> new MaxPoolingLayer(conf, dataType, forGradients));
    }

    /** Gives the network DL4J's own pooling layers back; returns how many were replaced. */
    static int uninstall(MultiLayerNetwork network) {
        return Layers.replace(network, l -> l instanceof MaxPoolingLayer, SubsamplingLayer::new);
    }

    /** How many backward passes of {@code network}'s pooling layers read the maxima of their forward pass. */
    static long backwardsFromForward(MultiLayerNetwork network) {
        long n = 0;
        for (Layer l : network.getLayers()) {
            if (l instanceof MaxPoolingLayer p) {
                n += p.backwardsFromForward;
            }
        }
        return n;
    }

    /** DL4J's pooling layer with max pooling in NCHW, no dilation and explicit padding (not the Same mode). */
    private static boolean eligible(Layer layer) {
        if (layer.getClass() != SubsamplingLayer.class) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf().getLayer();
        return conf.getPoolingType() == PoolingType.MAX && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getDilation()[0] == 1 && conf.getDilation()[1] == 1 && conf.getConvolutionMode() != ConvolutionMode.Same;
    }

    /**
     * The output shape when oneDNN pools this input (float32, 4-d, contiguous in c order, windows ending at the padded
     * edge), else null.
     */
    private long[] pooledShape(INDArray in) {
        if (in.rank() != 4 || in.dataType() != DataType.FLOAT || dataType != DataType.FLOAT
                || in.ordering() != 'c' || !Shape.hasDefaultStridesForShape(in)) {
            return null;
        }
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        long oh = OneDnnMaxPooling.outputSize(in.size(2), k[0], s[0], p[0]);
        long ow = OneDnnMaxPooling.outputSize(in.size(3), k[1], s[1], p[1]);
        return oh > 0 && ow > 0 ? new long[]{in.size(0), in.size(1), oh, ow} : null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        long[] shape = pooledShape(input);
        if (shape == null) {
            forwardInput = null;
            return super.activate(training, workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, shape, 'c');
        boolean keep = training || alwaysKeep;
        pooling.forward(input, layerConf().getKernelSize(), layerConf().getStride(), layerConf().getPadding(), keep, out);
        forwardInput = keep ? input : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (input == forwardInput && epsilon.dataType() == DataType.FLOAT) {
            INDArray eps = epsilon.ordering() == 'c' && Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            if (pooling.backward(input, layerConf().getKernelSize(), layerConf().getStride(), layerConf().getPadding(), eps, dx)) {
                backwardsFromForward++;
                return new Pair<>(new DefaultGradient(), dx);
            }
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }
}
