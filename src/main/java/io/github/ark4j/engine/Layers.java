package io.github.ark4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Swaps the class that runs some of a network's layers, keeping their configuration (what a saved model records) and
 * their parameter and gradient views: the engine's dense and pooling layers are DL4J's with a faster pass where one is
 * known to give the same result.
 */
final class Layers {
    private Layers() {
    }

    /**
     * Replaces each layer of {@code network} that {@code which} accepts by the layer {@code make} builds from its
     * configuration and parameter data type; returns how many were replaced.
     */
    static int replace(MultiLayerNetwork network, Predicate<Layer> which, BiFunction<NeuralNetConfiguration, DataType, ? extends Layer> make) {
        Layer[] layers = network.getLayers();
        DataType dataType = network.getLayerWiseConfigurations().getDataType();
        int n = 0;
        for (int i = 0; i < layers.length; i++) {
            if (which.test(layers[i])) {
                Layer old = layers[i];
                Layer l = make.apply(old.conf(), dataType);
                l.setIndex(old.getIndex());
                l.setListeners(old.getListeners());
                if (old.numParams() > 0) {
                    l.setParamsViewArray(old.params());
                    l.setParamTable(old.paramTable());
                    if (old.getGradientsViewArray() != null) {
                        l.setBackpropGradientsViewArray(old.getGradientsViewArray());
                    }
                }
                layers[i] = l;
                n++;
            }
        }
        network.setLayers(layers);
        return n;
    }

    /**
     * Whether a layer is DL4J's plain dense layer with an activation whose derivative is the same from f(z) as from z
     * (ReLU, identity: {@link FastConvolution#derivativeFromOutput}), no layer norm and no weight noise: the layers
     * whose backward pass can take f'(z) from the forward pass's output.
     */
    static boolean plainWithDerivativeFromOutput(Layer layer) {
        if (layer.getClass() != DenseLayer.class) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.DenseLayer conf = (org.deeplearning4j.nn.conf.layers.DenseLayer) layer.conf().getLayer();
        return !conf.hasLayerNorm() && conf.getWeightNoise() == null && FastConvolution.derivativeFromOutput(conf.getActivationFn());
    }
}
