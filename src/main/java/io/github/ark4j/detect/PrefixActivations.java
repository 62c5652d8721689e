package io.github.ark4j.detect;

import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.Tensors;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unmutated network's activations of one set of inputs at the inputs of some of its layers, so that a model mutant
 * whose first changed layer is l runs only from the deepest kept layer input at or before l: the layers before l are the
 * original's, so they compute exactly what the original computes on these inputs (same batches), and the mutant's last
 * layers run as a network of their own on a view of its parameters ({@link #suffix}): its logits are bit for bit those
 * of the whole mutant.
 *
 * <p>Why: NAI and WS change ⌈γ·N⌉ neurons anywhere in the network and NS only layers with ⌈γ·N_layer⌉ ≥ 2, so at
 * CIFAR-10's rate 0.005 (5 of the Papernot net's 906 neurons; NS only in its two 256-unit dense layers) most mutants
 * leave the first convolutions — most of the multiply-adds — unchanged. GF changes weights of every layer and gains
 * nothing. Early convolutions' outputs are many times the input's size, so layer inputs are kept from the output end
 * backwards while they fit a memory budget.
 */
final class PrefixActivations {
    /**
     * Bytes of activations kept for one set of inputs, at most: a quarter of the off-heap memory JavaCPP allows, 1 GiB at
     * most (the full profile's launcher allows 4 GiB, and its CIFAR-10 detection pass over 6,754 inputs keeps 0.94 GB; the
     * quick profile's 900 MB gives 225 MB).
     */
    static long budgetBytes() {
        long limit = Pointer.maxBytes();
        return limit > 0 ? Math.min(1L << 30, limit / 4) : 1L << 30;
    }

    /** Indices of the layers whose inputs are kept, ascending; 0 (the inputs themselves) always. */
    private final int[] kept;
    /** {@code activations.get(j)[b]}: batch b's input to layer {@code kept[j]}, in {@link Accuracy#BATCH}-sized batches. */
    private final List<INDArray[]> activations;
    private final int size;
    /** Per mutated network, its suffix networks by first layer (MutantSet loads every mutant into the same network). */
    private final Map<MultiLayerNetwork, Map<Integer, MultiLayerNetwork>> suffixes = new IdentityHashMap<>();

    private PrefixActivations(int[] kept, List<INDArray[]> activations, int size) {
        this.kept = kept;
        this.activations = activations;
        this.size = size;
    }

    /** Runs {@code network} over {@code x} once, keeping the inputs of its parameterised layers within the budget. */
    static PrefixActivations of(MultiLayerNetwork network, INDArray x, long budgetBytes) {
        // the engine's layers, as the mutants' suffixes and MutantSet's whole mutants run: the same bits
        MultiLayerNetwork original = Engine.defaults().sharedCopy(network);
        int n = (int) x.size(0);
        int batches = (n + Accuracy.BATCH - 1) / Accuracy.BATCH;
        Layer[] layers = original.getLayers();
        List<Integer> chosen = new ArrayList<>();
        long bytes = 0;
        // one input through the network gives each layer input's size
        List<INDArray> sizes = n == 0 ? List.of() : original.feedForward(batch(x, 0, 1).castTo(original.getLayerWiseConfigurations().getDataType()), false);
        for (int l = layers.length - 1; n > 0 && l >= 1; l--) {
            if (layers[l].numParams() == 0) {
                continue;
            }
            long perInput = sizes.get(l).length() * sizes.get(l).dataType().width();
            if (bytes + perInput * n <= budgetBytes) {
                bytes += perInput * n;
                chosen.add(0, l);
            }
        }
        chosen.add(0, 0);
        int[] kept = chosen.stream().mapToInt(Integer::intValue).toArray();
        List<INDArray[]> activations = new ArrayList<>();
        for (int j = 0; j < kept.length; j++) {
            activations.add(new INDArray[batches]);
        }
        for (int b = 0; b < batches; b++) {
            INDArray a = batch(x, b, n).castTo(original.getLayerWiseConfigurations().getDataType());
            activations.get(0)[b] = a;
            if (kept.length > 1) {
                // [input, output of layer 0, output of layer 1, …]: element l is layer l's input
                List<INDArray> acts = original.feedForwardToLayer(kept[kept.length - 1] - 1, a, false);
                for (int j = 1; j < kept.length; j++) {
                    activations.get(j)[b] = acts.get(kept[j]);
                }
            }
        }
        return new PrefixActivations(kept, activations, n);
    }

    /** The layers whose inputs are kept (for tests and reports). */
    int[] keptLayers() {
        return kept.clone();
    }

    /** The predicted class of each input under {@code network}, whose layers before {@code firstChanged} are the original's. */
    int[] labels(MultiLayerNetwork network, int firstChanged) {
        int[] out = new int[size];
        INDArray[] logits = logits(network, firstChanged);
        for (int b = 0; b < logits.length; b++) {
            int[] p = Tensors.argmaxRows(logits[b]);
            System.arraycopy(p, 0, out, b * Accuracy.BATCH, p.length);
        }
        return out;
    }

    /** The network's output for each {@link Accuracy#BATCH}-sized batch of the inputs, from the deepest usable kept layer input. */
    INDArray[] logits(MultiLayerNetwork network, int firstChanged) {
        int j = kept.length - 1;
        while (kept[j] > firstChanged) {
            j--;
        }
        MultiLayerNetwork from = j == 0 ? network : suffixes.computeIfAbsent(network, k -> new HashMap<>()).computeIfAbsent(kept[j], l -> suffix(network, l));
        INDArray[] out = new INDArray[activations.get(j).length];
        for (int b = 0; b < out.length; b++) {
            out[b] = from.output(activations.get(j)[b], false);
        }
        return out;
    }

    /**
     * Layers {@code from}, {@code from + 1}, … of {@code network} as a network of their own on a view of its parameter
     * array (so it sees every later change of them), running its convolutions as {@link NetworkClassifier} does: its
     * output is the last layers' part of the whole network's inference, through the same code.
     */
    static MultiLayerNetwork suffix(MultiLayerNetwork network, int from) {
        MultiLayerConfiguration whole = network.getLayerWiseConfigurations();
        List<NeuralNetConfiguration> confs = new ArrayList<>();
        Map<Integer, InputPreProcessor> preProcessors = new HashMap<>();
        long offset = 0;
        for (int l = 0; l < network.getLayers().length; l++) {
            if (l < from) {
                offset += network.getLayer(l).numParams();
            } else {
                confs.add(whole.getConf(l).clone());
                if (whole.getInputPreProcess(l) != null) {
                    preProcessors.put(l - from, whole.getInputPreProcess(l).clone());
                }
            }
        }
        MultiLayerConfiguration conf = new MultiLayerConfiguration.Builder().confs(confs).inputPreProcessors(preProcessors)
                .dataType(whole.getDataType()).inferenceWorkspaceMode(whole.getInferenceWorkspaceMode())
                .trainingWorkspaceMode(whole.getTrainingWorkspaceMode()).cacheMode(whole.getCacheMode()).build();
        MultiLayerNetwork suffix = new MultiLayerNetwork(conf);
        INDArray params = network.params();
        INDArray tail = params.rank() == 1 ? params.get(NDArrayIndex.interval(offset, params.length()))
                : params.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, params.length()));
        suffix.init(tail, false);
        Engine.defaults().accelerate(suffix);
        return suffix;
    }

    private static INDArray batch(INDArray x, int b, int n) {
        int from = b * Accuracy.BATCH;
        return x.get(NDArrayIndex.interval(from, Math.min(n, from + Accuracy.BATCH)));
    }
}
