package io.github.ark4j.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Swaps the class that runs a network's dense layers, keeping their configuration (what a saved model records) and
 * their parameter and gradient views: the engine's dense layers are DL4J's {@code DenseLayer} with a faster backward
 * pass where one is known to give the same result.
 */
final class DenseLayers {
    private DenseLayers() {
    }

    /**
     * Replaces each layer of {@code network} that {@code which} accepts by the layer {@code make} builds from its
     * configuration and parameter data type; returns how many were replaced.
     */
    static int replace(MultiLayerNetwork network, Predicate<Layer> which, BiFunction<NeuralNetConfiguration, DataType, DenseLayer> make) {
        Layer[] layers = network.getLayers();
        int n = 0;
        for (int i = 0; i < layers.length; i++) {
            if (which.test(layers[i])) {
                DenseLayer old = (DenseLayer) layers[i];
                DenseLayer l = make.apply(old.conf(), old.getParam(DefaultParamInitializer.WEIGHT_KEY).dataType());
                l.setIndex(old.getIndex());
                l.setListeners(old.getListeners());
                l.setParamsViewArray(old.params());
                l.setParamTable(old.paramTable());
                if (old.getGradientsViewArray() != null) {
                    l.setBackpropGradientsViewArray(old.getGradientsViewArray());
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
