package io.github.ark4j.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense layer of a network that is only differentiated with respect to its input (the classifier's gradient
 * twin, see {@link DifferentiableNetwork}). Its backward pass inside
 * {@link FastConvolution#backwardAfterForward} is one matrix product, ∂X = δ·Wᵀ with δ = ε ⊙ f'(z) read from the
 * forward pass's output, where DL4J 1.0.0-M2.1's {@code BaseLayer.backpropGradient} runs three: it recomputes the
 * forward product z = X·W + b to differentiate the activation, and computes the weight gradient Xᵀ·δ and the bias
 * gradient, which an input gradient never reads. On the Papernot MNIST net at batch 100 the dense layers' matrix
 * products were a third of a forward-and-backward pass's time (ND4J op profiler).
 *
 * <p>Only for the activations whose derivative is the same from f(z) as from z (ReLU, identity: see
 * {@link FastConvolution}); outside {@code backwardAfterForward}, or when the forward output lived in a workspace, the
 * layer falls back to DL4J's full backward pass. Parameter gradients are left uncomputed (stale).
 */
final class InputGradientDenseLayer extends DenseLayer {
    private INDArray forwardInput;
    private INDArray forwardOutput;
    /** Set by {@link FastConvolution#backwardAfterForward} while a backward pass right after the forward pass runs. */
    boolean inBackwardAfterForward;

    private InputGradientDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Replaces each plain dense layer of the network whose activation is ReLU or the identity (no layer norm, no
     * weight noise) by one of these, on the same parameter and gradient views; returns how many were replaced.
     */
    static int install(MultiLayerNetwork network) {
        return Layers.replace(network, Layers::plainWithDerivativeFromOutput, InputGradientDenseLayer::new);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = super.activate(training, workspaceMgr);
        // an output in a workspace is reused after the pass: keep only detached ones
        boolean kept = !a.isAttached();
        forwardInput = kept ? input : null;
        forwardOutput = kept ? a : null;
        return a;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!inBackwardAfterForward || forwardOutput == null || input != forwardInput || maskArray != null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        IActivation afn = layerConf().getActivationFn();
        // ReLU's derivative [z > 0] equals [ReLU(z) > 0] (on a new array: the forward output serves every backward
        // pass of the forward pass); the identity's is 1
        INDArray delta = afn instanceof ActivationIdentity ? epsilon : FastBackwardRelu.maskedByPositive(forwardOutput, epsilon);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[]{delta.size(0), w.size(0)}, 'c');
        Nd4j.gemm(delta, w, epsilonNext, false, true, 1.0, 0.0);
        return new Pair<>(new DefaultGradient(), epsilonNext);
    }
}
