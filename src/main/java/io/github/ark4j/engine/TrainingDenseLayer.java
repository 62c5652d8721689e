package io.github.ark4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dense layer of a network the engine trains ({@link Engine#accelerate}). Within a training step
 * ({@link FastConvolution#trainingStep}) its backward pass takes the pre-activation from the step's forward pass, where
 * DL4J 1.0.0-M2.1's {@code BaseLayer.backpropGradient} computes z = X·W + b a second time only to differentiate the
 * activation: one matrix product per layer and step fewer, the same gradients bit for bit. As for the convolutions,
 * DL4J applies a ReLU in place, so the kept array holds f(z) by the time the backward pass reads it, and ReLU's
 * derivative [z &gt; 0] equals [f(z) &gt; 0] (the identity's is 1): only layers with those activations are replaced
 * ({@link Layers#plainWithDerivativeFromOutput}). Outside a step, or when input or parameters are not the forward
 * pass's arrays, the layer is DL4J's.
 */
final class TrainingDenseLayer extends DenseLayer {
    /** Set by {@link FastConvolution#trainingStep} while a training step of this layer's network runs. */
    boolean inTrainingStep;
    private INDArray stepInput;
    private INDArray stepWeights;
    private INDArray stepBias;
    private INDArray stepOutput;
    /** How many backward passes took their pre-activations from their step's forward pass (for the tests). */
    long stepReuses;

    private TrainingDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Replaces the network's eligible dense layers by these; returns how many were replaced. */
    static int install(MultiLayerNetwork network) {
        return Layers.replace(network, Layers::plainWithDerivativeFromOutput, TrainingDenseLayer::new);
    }

    /** Gives the network DL4J's own dense layers back; returns how many were replaced. */
    static int uninstall(MultiLayerNetwork network) {
        return Layers.replace(network, l -> l instanceof TrainingDenseLayer, DenseLayer::new);
    }

    void forgetStepForward() {
        stepInput = null;
        stepWeights = null;
        stepBias = null;
        stepOutput = null;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!inTrainingStep) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
        }
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray b = getParam(DefaultParamInitializer.BIAS_KEY);
        if (forBackprop && stepOutput != null) {
            INDArray z = stepOutput;
            // the input is the forward pass's after dropout: dropout replaced the layer's input then, once per step
            boolean same = input == stepInput && w == stepWeights && b == stepBias && maskArray == null;
            forgetStepForward();
            if (same) {
                stepReuses++;
                return new Pair<>(z, z); // the pre-norm array matters only with layer norm, which these layers lack
            }
            return super.preOutputWithPreNorm(training, true, workspaceMgr);
        }
        Pair<INDArray, INDArray> out = super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
        if (!forBackprop) {
            stepInput = input;
            stepWeights = w;
            stepBias = b;
            stepOutput = out.getFirst();
        }
        return out;
    }
}
