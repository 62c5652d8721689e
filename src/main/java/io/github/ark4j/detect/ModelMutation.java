package io.github.ark4j.detect;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The model mutation operators of Wang, Dong, Sun, Wang, Zhang, "Adversarial Sample Detection for Deep Neural Network
 * through Model Mutation Testing" (ICSE 2019, Section III.B, Table I; docs/papers.md [2]), applied to the parameters of a
 * copy of a network, at a mutation rate γ:
 * <ul>
 *   <li>GF, Gaussian fuzzing: ⌈γ·N⌉ of the N weights of the network, each replaced by a draw from the normal
 *       distribution with its layer's weight mean and standard deviation;</li>
 *   <li>WS, weight shuffling: ⌈γ·N⌉ of the N neurons, each neuron's incoming weights shuffled among themselves;</li>
 *   <li>NS, neuron switch: in every layer with at least 10 neurons, ⌈γ·N_layer⌉ neurons whose incoming weights and
 *       biases are permuted among them;</li>
 *   <li>NAI, neuron activation inverse: ⌈γ·N⌉ of the N neurons, whose incoming weights and bias are multiplied by −1
 *       (the sign of the activation's input is inverted).</li>
 * </ul>
 * A neuron is an output unit of a dense layer or an output channel (filter) of a convolution layer; the output layer
 * counts (LeNet-5: 6 + 16 + 120 + 84 + 10 = 236 neurons). A mutant is fully determined by (operator, rate, seed).
 */
public enum ModelMutation {
    GF, WS, NS, NAI;

    /**
     * The parameters of one convolution or dense layer, neuron-major: {@code weights[i]} are neuron i's incoming
     * weights, {@code bias[i]} its bias. Read and written whole: ND4J 1.0.0-M2.1 returns an empty view for the last
     * filter of a convolution's weight view ({@code get(point(15), all(), …)} on [16, 6, 5, 5]), so no per-neuron views.
     */
    record LayerParams(int layer, float[][] weights, float[] bias) {
        static LayerParams read(MultiLayerNetwork network, int layer) {
            INDArray w = network.getLayer(layer).getParam("W");
            INDArray b = network.getLayer(layer).getParam("b");
            int neurons = (int) b.length();
            // one copy out of ND4J in neuron-major order, split into rows here (not one ND4J copy per row)
            float[] flat = (w.rank() == 4 ? w : w.transpose()).dup('c').reshape(w.length()).toFloatVector();
            int fanIn = flat.length / neurons;
            float[][] rows = new float[neurons][];
            for (int i = 0; i < neurons; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * fanIn, (i + 1) * fanIn);
            }
            return new LayerParams(layer, rows, b.dup().reshape(b.length()).toFloatVector());
        }

        void write(MultiLayerNetwork network) {
            INDArray w = network.getLayer(layer).getParam("W");
            INDArray b = network.getLayer(layer).getParam("b");
            int fanIn = weights[0].length;
            float[] flat = new float[weights.length * fanIn];
            for (int i = 0; i < weights.length; i++) {
                System.arraycopy(weights[i], 0, flat, i * fanIn, fanIn);
            }
            INDArray rows = Nd4j.createFromArray(flat).castTo(w.dataType());
            w.assign(w.rank() == 4 ? rows.reshape(w.shape()) : rows.reshape(weights.length, fanIn).transpose());
            b.assign(Nd4j.createFromArray(bias).reshape(b.shape()).castTo(b.dataType()));
        }

        int neurons() {
            return bias.length;
        }
    }

    /**
     * The convolution and dense layers of a network (output layer included), in layer order, each read when an operator
     * first asks for it and written back only if the operator changed it: NAI and WS change a handful of neurons, so most
     * layers of such a mutant (on the CIFAR-10 net, usually its 819,200-weight dense layer among them) are neither read
     * nor written. The first layer written is the first layer the mutant changes, so nothing compares parameters.
     */
    static final class ParameterLayers {
        private final MultiLayerNetwork network;
        /** The network layer of each parameterised layer. */
        private final int[] index;
        private final int[] neurons;
        private final long[] weights;
        private final LayerParams[] read;
        private final boolean[] changed;

        ParameterLayers(MultiLayerNetwork network) {
            this.network = network;
            Layer[] layers = network.getLayers();
            this.index = IntStream.range(0, layers.length)
                    .filter(l -> layers[l].getParam("W") != null && layers[l].getParam("b") != null).toArray();
            this.neurons = Arrays.stream(index).map(l -> (int) layers[l].getParam("b").length()).toArray();
            this.weights = Arrays.stream(index).mapToLong(l -> layers[l].getParam("W").length()).toArray();
            this.read = new LayerParams[index.length];
            this.changed = new boolean[index.length];
        }

        int size() {
            return index.length;
        }

        int neurons(int p) {
            return neurons[p];
        }

        long weights(int p) {
            return weights[p];
        }

        int totalNeurons() {
            return Arrays.stream(neurons).sum();
        }

        /** Parameterised layer p's weights and bias, read on the first call. */
        LayerParams get(int p) {
            if (read[p] == null) {
                read[p] = LayerParams.read(network, index[p]);
            }
            return read[p];
        }

        /** Parameterised layer p, to be changed by the caller: it is written back. */
        LayerParams change(int p) {
            changed[p] = true;
            return get(p);
        }

        /** (parameterised layer, neuron index) of the i-th neuron of the network. */
        int[] locate(int i) {
            int p = 0;
            while (i >= neurons[p]) {
                i -= neurons[p];
                p++;
            }
            return new int[]{p, i};
        }

        /** Writes the changed layers into the network; returns the first changed network layer, the layer count if none. */
        int write() {
            int first = network.getLayers().length;
            for (int p = index.length - 1; p >= 0; p--) {
                if (changed[p]) {
                    read[p].write(network);
                    first = index[p];
                }
            }
            return first;
        }
    }

    /**
     * What one application of an operator did.
     *
     * @param changed    neurons or weights changed, as {@link #apply} returns
     * @param firstLayer the first network layer whose parameters the operator changed (the network's layer count if
     *                   none): the layers before it compute what the original's do
     */
    record Applied(int changed, int firstLayer) {
    }

    /** Mutates the network's parameters in place (pass a copy); returns how many neurons or weights were changed. */
    public int apply(MultiLayerNetwork network, double rate, long seed) {
        return mutate(network, rate, seed).changed();
    }

    /** {@link #apply}, telling also the first layer it changed. */
    Applied mutate(MultiLayerNetwork network, double rate, long seed) {
        if (!(rate > 0) || rate > 1) {
            throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ordinal());
        ParameterLayers layers = new ParameterLayers(network);
        int total = layers.totalNeurons();
        int changed = switch (this) {
            case GF -> gaussianFuzzing(layers, rate, rng);
            case WS -> {
                int n = count(rate, total);
                for (int i : sample(total, n, rng)) {
                    int[] at = layers.locate(i);
                    float[] w = layers.change(at[0]).weights()[at[1]];
                    for (int k = w.length - 1; k > 0; k--) {
                        int j = rng.nextInt(k + 1);
                        float t = w[k];
                        w[k] = w[j];
                        w[j] = t;
                    }
                }
                yield n;
            }
            case NS -> neuronSwitch(layers, rate, rng);
            case NAI -> {
                int n = count(rate, total);
                for (int i : sample(total, n, rng)) {
                    int[] at = layers.locate(i);
                    LayerParams l = layers.change(at[0]);
                    float[] w = l.weights()[at[1]];
                    for (int k = 0; k < w.length; k++) {
                        w[k] = -w[k];
                    }
                    l.bias()[at[1]] *= -1;
                }
                yield n;
            }
        };
        return new Applied(changed, layers.write());
    }

    /** ⌈γ·n⌉ (with a tolerance so that γ·n = 12.000000001 from floating point gives 12). */
    static int count(double rate, long n) {
        return (int) Math.min(n, Math.ceil(rate * n - 1e-9));
    }

    /** Neurons and weights, for reports ("LeNet-5: 236 neurons, 44,190 weights"). */
    public static String describe(MultiLayerNetwork network) {
        ParameterLayers layers = new ParameterLayers(network);
        long weights = 0;
        for (int p = 0; p < layers.size(); p++) {
            weights += layers.weights(p);
        }
        int neurons = layers.totalNeurons();
        return String.format(Locale.ROOT, "%d neurons, %d weights (+ %d biases)", neurons, weights, neurons);
    }

    private static int gaussianFuzzing(ParameterLayers layers, double rate, SplittableRandom rng) {
        long total = 0;
        double[] mean = new double[layers.size()];
        double[] std = new double[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            double s = 0;
            double s2 = 0;
            for (float[] row : layers.get(l).weights()) {
                for (float v : row) {
                    s += v;
                    s2 += (double) v * v;
                }
            }
            long n = layers.weights(l);
            mean[l] = s / n;
            std[l] = Math.sqrt(Math.max(0, s2 / n - mean[l] * mean[l]));
            total += n;
        }
        int n = count(rate, total);
        for (long flat : sampleLong(total, n, rng)) {
            int l = 0;
            long offset = flat;
            while (offset >= layers.weights(l)) {
                offset -= layers.weights(l);
                l++;
            }
            int fanIn = (int) (layers.weights(l) / layers.neurons(l));
            layers.change(l).weights()[(int) (offset / fanIn)][(int) (offset % fanIn)] = (float) (mean[l] + std[l] * gaussian(rng));
        }
        return n;
    }

    private static int neuronSwitch(ParameterLayers layers, double rate, SplittableRandom rng) {
        int changed = 0;
        for (int p = 0; p < layers.size(); p++) {
            int size = layers.neurons(p);
            int n = count(rate, size);
            if (size < 10 || n < 2) {
                continue;
            }
            int[] chosen = sample(size, n, rng);
            int[] perm = chosen.clone();
            for (int i = perm.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            changed += n;
            if (Arrays.equals(perm, chosen)) {
                // the neurons drew their own places: the layer is as it was
                continue;
            }
            LayerParams l = layers.change(p);
            float[][] w = new float[n][];
            float[] b = new float[n];
            for (int k = 0; k < n; k++) {
                w[k] = l.weights()[chosen[k]];
                b[k] = l.bias()[chosen[k]];
            }
            for (int k = 0; k < n; k++) {
                l.weights()[perm[k]] = w[k];
                l.bias()[perm[k]] = b[k];
            }
        }
        return changed;
    }

    /** k distinct indices of 0..n-1 (partial Fisher-Yates over the index range). */
    static int[] sample(int n, int k, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, k);
    }

    /** k distinct indices of 0..n-1 for large n (Floyd's algorithm). */
    private static long[] sampleLong(long n, int k, SplittableRandom rng) {
        java.util.Set<Long> chosen = new java.util.LinkedHashSet<>();
        for (long j = n - k; j < n; j++) {
            long t = rng.nextLong(j + 1);
            if (!chosen.add(t)) {
                chosen.add(j);
            }
        }
        return chosen.stream().mapToLong(Long::longValue).toArray();
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
