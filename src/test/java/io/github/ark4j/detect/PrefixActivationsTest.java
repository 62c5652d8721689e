package io.github.ark4j.detect;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A mutant run from the original's kept layer inputs computes exactly what the whole mutant computes: same logits bit
 * for bit, hence the same label changes and the same accuracy filter.
 */
class PrefixActivationsTest {

    /**
     * The first layer whose parameters differ from {@code original}'s, the number of layers if none does: what the first
     * layer an operator reports changing must be.
     */
    private static int firstChangedLayer(MultiLayerNetwork original, MultiLayerNetwork mutant) {
        Layer[] layers = original.getLayers();
        for (int l = 0; l < layers.length; l++) {
            if (layers[l].numParams() > 0 && !Arrays.equals(layers[l].params().toFloatVector(), mutant.getLayer(l).params().toFloatVector())) {
                return l;
            }
        }
        return layers.length;
    }

    private static NetworkClassifier untrained(Architecture a) {
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 5, DataType.FLOAT));
        net.init();
        return new NetworkClassifier(net, a);
    }

    @Test
    void mutantsFromTheKeptLayerInputsGiveTheWholeMutantsLogitsBitForBit() {
        NetworkClassifier model = untrained(Architecture.PAPERNOT_CIFAR10);
        // 520 inputs: two batches of Accuracy.BATCH, the second partial
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 520, 3, 32, 32);
        PrefixActivations prefix = PrefixActivations.of(model.network(), x, PrefixActivations.budgetBytes());
        // the Papernot CIFAR-10 net: conv, conv, pool, conv, conv, pool, dense, dense, output; all five later
        // parameterised layers' inputs fit 1 GiB for 520 inputs
        assertArrayEquals(new int[]{0, 1, 3, 4, 6, 7, 8}, prefix.keptLayers());
        Set<Integer> firstChanged = new HashSet<>();
        for (ModelMutation op : ModelMutation.values()) {
            for (long seed = 0; seed < 3; seed++) {
                // as MutantSet's mutants: a copy of the original on the engine's layers
                MultiLayerNetwork mutant = model.network().clone();
                Engine.defaults().accelerate(mutant);
                int first = op.mutate(mutant, 0.005, seed).firstLayer();
                assertEquals(firstChangedLayer(model.network(), mutant), first, op + " seed " + seed + ": the first layer it reports changing");
                firstChanged.add(first);
                INDArray[] fromPrefix = prefix.logits(mutant, first);
                for (int b = 0; b < 2; b++) {
                    INDArray batch = x.get(NDArrayIndex.interval(b * Accuracy.BATCH, Math.min(520, (b + 1) * Accuracy.BATCH)));
                    INDArray whole = mutant.output(batch, false);
                    assertTrue(Arrays.deepEquals(whole.toFloatMatrix(), fromPrefix[b].toFloatMatrix()), op + " seed " + seed + " batch " + b);
                }
            }
        }
        // GF changes the first convolution; NS at rate 0.005 only the 256-unit dense layers (6, 7); NAI and WS vary
        assertTrue(firstChanged.contains(0) && firstChanged.stream().anyMatch(l -> l >= 3), "first changed layers " + firstChanged);
    }

    /** The reference the reported first layers are checked against. */
    @Test
    void firstChangedLayerIsTheFirstLayerWithOtherParameters() {
        NetworkClassifier model = untrained(Architecture.LENET5);
        MultiLayerNetwork same = model.network().clone();
        assertEquals(model.network().getLayers().length, firstChangedLayer(model.network(), same));
        MultiLayerNetwork changed = model.network().clone();
        INDArray b = changed.getLayer(5).getParam("b");
        b.putScalar(3, b.getFloat(3) + 1e-7f);
        assertEquals(5, firstChangedLayer(model.network(), changed));
    }

    @Test
    void aSmallBudgetKeepsOnlyTheCheapestLayerInputsAndChangesNoLabel() throws IOException {
        NetworkClassifier model = untrained(Architecture.LENET5);
        LabeledImages test = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(600);
        MutantSet mutants = MutantSet.generate(model, ModelMutation.NAI, 0.05, 8, 8, 0, test.first(100));
        // LeNet-5's dense inputs: 400, 120 and 84 floats per input; 600 × 604 × 4 bytes fit 1.5 MB, the 1,176-float
        // output of the first pooling does not
        PrefixActivations small = PrefixActivations.of(model.network(), test.features(), 1_500_000);
        assertEquals(4, small.keptLayers().length, Arrays.toString(small.keptLayers()));
        IntFunction<int[]> labeller = mutants.labeller(test.features());
        int changed = 0;
        int[] reference = mutants.reference(test.features());
        for (int k = 0; k < mutants.size(); k++) {
            int[] plain = mutants.labels(k, test.features());
            assertArrayEquals(plain, labeller.apply(k), "mutant " + k);
            MultiLayerNetwork m = mutants.mutant(k).network();
            assertArrayEquals(plain, small.labels(m, firstChangedLayer(model.network(), m)), "mutant " + k + ", small budget");
            for (int i = 0; i < plain.length; i++) {
                changed += plain[i] != reference[i] ? 1 : 0;
            }
        }
        assertTrue(changed > 0, "no label changed: the comparison would be empty");
    }

    @Test
    void theAccuracyFilterSeesWhatTheWholeMutantScores() throws IOException {
        NetworkClassifier model = untrained(Architecture.LENET5);
        LabeledImages validation = Mnist.load(Paths.get("data", "mnist"), Mnist.Split.TEST).first(300);
        MutantSet mutants = MutantSet.generate(model, ModelMutation.WS, 0.05, 5, 5, 0, validation);
        for (int k = 0; k < mutants.size(); k++) {
            assertEquals(Accuracy.of(mutants.mutant(k), validation), mutants.accuracies()[k], "mutant " + k);
        }
    }
}
