package io.github.ark4j.detect;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

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
            float[][] rows = w.rank() == 4 ? w.dup('c').reshape(w.size(0), -1).toFloatMatrix() : w.transpose().dup('c').toFloatMatrix();
            return new LayerParams(layer, rows, b.dup().reshape(b.length()).toFloatVector());
        }

        void write(MultiLayerNetwork network) {
            INDArray w = network.getLayer(layer).getParam("W");
            INDArray b = network.getLayer(layer).getParam("b");
            INDArray rows = Nd4j.create(weights).castTo(w.dataType());
            w.assign(w.rank() == 4 ? rows.reshape(w.shape()) : rows.transpose());
            b.assign(Nd4j.createFromArray(bias).reshape(b.shape()).castTo(b.dataType()));
        }

        int neurons() {
            return bias.length;
        }
    }

    /** Mutates the network's parameters in place (pass a copy); returns how many neurons or weights were changed. */
    public int apply(MultiLayerNetwork network, double rate, long seed) {
        if (!(rate > 0) || rate > 1) {
            throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ordinal());
        List<LayerParams> layers = layers(network);
        int total = layers.stream().mapToInt(LayerParams::neurons).sum();
        int changed = switch (this) {
            case GF -> gaussianFuzzing(layers, rate, rng);
            case WS -> {
                int n = count(rate, total);
                for (int i : sample(total, n, rng)) {
                    float[] w = neuron(layers, i);
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
                    float[] w = neuron(layers, i);
                    for (int k = 0; k < w.length; k++) {
                        w[k] = -w[k];
                    }
                    int[] at = locate(layers, i);
                    layers.get(at[0]).bias()[at[1]] *= -1;
                }
                yield n;
            }
        };
        for (LayerParams l : layers) {
            l.write(network);
        }
        return changed;
    }

    /** ⌈γ·n⌉ (with a tolerance so that γ·n = 12.000000001 from floating point gives 12). */
    static int count(double rate, long n) {
        return (int) Math.min(n, Math.ceil(rate * n - 1e-9));
    }

    /** The parameters of every convolution and dense layer (output layer included), in layer order. */
    static List<LayerParams> layers(MultiLayerNetwork network) {
        List<LayerParams> out = new ArrayList<>();
        Layer[] layers = network.getLayers();
        for (int l = 0; l < layers.length; l++) {
            if (layers[l].getParam("W") != null && layers[l].getParam("b") != null) {
                out.add(LayerParams.read(network, l));
            }
        }
        return out;
    }

    /** (layer position, neuron index) of the i-th neuron of the network. */
    private static int[] locate(List<LayerParams> layers, int i) {
        int l = 0;
        while (i >= layers.get(l).neurons()) {
            i -= layers.get(l).neurons();
            l++;
        }
        return new int[]{l, i};
    }

    private static float[] neuron(List<LayerParams> layers, int i) {
        int[] at = locate(layers, i);
        return layers.get(at[0]).weights()[at[1]];
    }

    /** Neurons and weights, for reports ("LeNet-5: 236 neurons, 44,190 weights"). */
    public static String describe(MultiLayerNetwork network) {
        List<LayerParams> ls = layers(network);
        long weights = 0;
        int neurons = 0;
        for (LayerParams l : ls) {
            neurons += l.neurons();
            weights += (long) l.neurons() * l.weights()[0].length;
        }
        return String.format(Locale.ROOT, "%d neurons, %d weights (+ %d biases)", neurons, weights, neurons);
    }

    private static int gaussianFuzzing(List<LayerParams> layers, double rate, SplittableRandom rng) {
        long total = 0;
        double[] mean = new double[layers.size()];
        double[] std = new double[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            double s = 0;
            double s2 = 0;
            long n = 0;
            for (float[] row : layers.get(l).weights()) {
                for (float v : row) {
                    s += v;
                    s2 += (double) v * v;
                    n++;
                }
            }
            mean[l] = s / n;
            std[l] = Math.sqrt(Math.max(0, s2 / n - mean[l] * mean[l]));
            total += n;
        }
        int n = count(rate, total);
        for (long flat : sampleLong(total, n, rng)) {
            int l = 0;
            long offset = flat;
            long size;
            while (offset >= (size = (long) layers.get(l).neurons() * layers.get(l).weights()[0].length)) {
                offset -= size;
                l++;
            }
            int fanIn = layers.get(l).weights()[0].length;
            layers.get(l).weights()[(int) (offset / fanIn)][(int) (offset % fanIn)] = (float) (mean[l] + std[l] * gaussian(rng));
        }
        return n;
    }

    private static int neuronSwitch(List<LayerParams> layers, double rate, SplittableRandom rng) {
        int changed = 0;
        for (LayerParams l : layers) {
            int size = l.neurons();
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
            changed += n;
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
        return java.util.Arrays.copyOf(idx, k);
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
