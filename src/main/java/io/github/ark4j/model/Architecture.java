package io.github.ark4j.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The networks of the papers, each readable against its paper's layer table. Every network ends in a dense layer
 * with the identity activation whose output is the logits Z; the softmax at a temperature T lives in the loss
 * ({@link TemperatureCrossEntropy}) for training and in {@link NetworkClassifier} for deployment.
 */
public enum Architecture {
    /**
     * Papernot et al. 2016 (S&P), MNIST: conv3x3x32, conv3x3x32, maxpool2, conv3x3x64, conv3x3x64, maxpool2,
     * dense200, dense200 (dropout 0.5 on its input, i.e. after the first dense layer), dense10. Valid padding, stride 1, ReLU.
     */
    PAPERNOT_MNIST(1, 28, 28, 10) {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder b) {
            return b.layer(conv(3, 32)).layer(conv(3, 32)).layer(maxPool())
                    .layer(conv(3, 64)).layer(conv(3, 64)).layer(maxPool())
                    .layer(dense(200, 0)).layer(dense(200, 0.5));
        }
    },
    /**
     * Papernot et al. 2016 (S&P), CIFAR-10: conv3x3x64, conv3x3x64, maxpool2, conv3x3x128, conv3x3x128, maxpool2,
     * dense256, dense256 (dropout 0.5 on its input), dense10.
     */
    PAPERNOT_CIFAR10(3, 32, 32, 10) {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder b) {
            return b.layer(conv(3, 64)).layer(conv(3, 64)).layer(maxPool())
                    .layer(conv(3, 128)).layer(conv(3, 128)).layer(maxPool())
                    .layer(dense(256, 0)).layer(dense(256, 0.5));
        }
    },
    /**
     * LeNet-5 as used by Wang et al. 2019 (ICSE) on MNIST: conv5x5x6 (padding 2), maxpool2, conv5x5x16, maxpool2,
     * dense120, dense84, dense10; ReLU. 6 + 16 + 120 + 84 + 10 = 236 neurons.
     */
    LENET5(1, 28, 28, 10) {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder b) {
            return b.layer(new ConvolutionLayer.Builder(5, 5).nOut(6).padding(2, 2).activation(Activation.RELU).cudnnAllowFallback(false).build())
                    .layer(maxPool())
                    .layer(conv(5, 16)).layer(maxPool())
                    .layer(dense(120, 0)).layer(dense(84, 0));
        }
    },
    /**
     * The substitute of Papernot et al. 2017 (AsiaCCS) black-box attack on MNIST as its authors' CleverHans tutorial
     * builds it: dense200, dense200, dense10 on the flattened image, ReLU. The attacker needs no knowledge of the
     * oracle's architecture.
     */
    SUBSTITUTE_MLP(1, 28, 28, 10) {
        @Override
        NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder b) {
            return b.layer(dense(200, 0)).layer(dense(200, 0));
        }
    };

    private final int channels;
    private final int height;
    private final int width;
    private final int classes;

    Architecture(int channels, int height, int width, int classes) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
    }

    abstract NeuralNetConfiguration.ListBuilder layers(NeuralNetConfiguration.ListBuilder b);

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int classes() {
        return classes;
    }

    /** The command-line name, e.g. {@code papernot-mnist}. */
    public String cliName() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Architecture fromCliName(String s) {
        for (Architecture a : values()) {
            if (a.cliName().equals(s) || a.name().equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + s + "', expected one of "
                + java.util.Arrays.stream(values()).map(Architecture::cliName).collect(java.util.stream.Collectors.joining(", ")));
    }

    /**
     * The network configuration: Glorot-uniform weights and zero biases from {@code seed}, the training loss
     * cross-entropy at {@code temperature}, the given updater.
     */
    public MultiLayerConfiguration configuration(double temperature, IUpdater updater, long seed, DataType dataType) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .updater(updater)
                .convolutionMode(ConvolutionMode.Truncate)
                .list();
        return layers(b)
                .layer(new OutputLayer.Builder(new TemperatureCrossEntropy(temperature)).nOut(classes).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
    }

    static ConvolutionLayer conv(int kernel, int filters) {
        return new ConvolutionLayer.Builder(kernel, kernel).nOut(filters).stride(1, 1).activation(Activation.RELU)
                .cudnnAllowFallback(false).build(); // a failing engine helper must fail loudly, not fall back silently
    }

    static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    /** A ReLU dense layer; {@code dropout} is the share of its inputs dropped in training (0 for none). */
    static DenseLayer dense(int units, double dropout) {
        DenseLayer.Builder d = new DenseLayer.Builder().nOut(units).activation(Activation.RELU);
        if (dropout > 0) {
            d.dropOut(1 - dropout); // DL4J takes the retain probability
        }
        return d.build();
    }
}
