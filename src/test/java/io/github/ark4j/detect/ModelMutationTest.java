package io.github.ark4j.detect;

import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The operators change exactly what Wang et al. define and nothing else; mutants are determined by their seed. */
class ModelMutationTest {
    private static MultiLayerNetwork lenet() {
        Architecture a = Architecture.LENET5;
        MultiLayerNetwork n = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 5, DataType.FLOAT));
        n.init();
        return n;
    }

    /** How many neurons have different incoming weights or bias in b than in a. */
    private static int changedNeurons(MultiLayerNetwork a, MultiLayerNetwork b) {
        ModelMutation.ParameterLayers la = new ModelMutation.ParameterLayers(a);
        ModelMutation.ParameterLayers lb = new ModelMutation.ParameterLayers(b);
        int c = 0;
        for (int l = 0; l < la.size(); l++) {
            for (int i = 0; i < la.neurons(l); i++) {
                if (!Arrays.equals(la.get(l).weights()[i], lb.get(l).weights()[i]) || la.get(l).bias()[i] != lb.get(l).bias()[i]) {
                    c++;
                }
            }
        }
        return c;
    }

    private static double[] sortedWeights(Layer l) {
        double[] v = l.getParam("W").dup().reshape(-1).castTo(DataType.DOUBLE).toDoubleVector();
        Arrays.sort(v);
        return v;
    }

    @Test
    void lenetHas236Neurons() {
        assertEquals(236, new ModelMutation.ParameterLayers(lenet()).totalNeurons());
        assertTrue(ModelMutation.describe(lenet()).startsWith("236 neurons"));
    }

    @Test
    void naiInvertsExactlyTheRateOfNeuronsAndIsItsOwnInverse() {
        MultiLayerNetwork original = lenet();
        MultiLayerNetwork m = original.clone();
        int n = ModelMutation.NAI.apply(m, 0.05, 7);
        assertEquals(12, n, "⌈0.05·236⌉");
        assertEquals(12, changedNeurons(original, m));
        ModelMutation.NAI.apply(m, 0.05, 7);
        assertEquals(original.params(), m.params(), "applying NAI twice with the same seed restores the model");
    }

    @Test
    void gaussianFuzzingReplacesExactlyTheRateOfWeightsAndNoBias() {
        MultiLayerNetwork original = lenet();
        MultiLayerNetwork m = original.clone();
        long weights = 0;
        for (Layer l : original.getLayers()) {
            weights += l.getParam("W") == null ? 0 : l.getParam("W").length();
        }
        int n = ModelMutation.GF.apply(m, 0.01, 3);
        assertEquals((int) Math.ceil(0.01 * weights), n);
        long differing = 0;
        for (int i = 0; i < original.getLayers().length; i++) {
            INDArray w0 = original.getLayer(i).getParam("W");
            if (w0 != null) {
                differing += w0.neq(m.getLayer(i).getParam("W")).castTo(DataType.INT32).sumNumber().longValue();
                assertEquals(original.getLayer(i).getParam("b"), m.getLayer(i).getParam("b"), "biases untouched");
            }
        }
        assertEquals(n, differing);
    }

    @Test
    void shufflingAndSwitchingKeepEachLayersWeights() {
        MultiLayerNetwork original = lenet();
        for (ModelMutation op : new ModelMutation[]{ModelMutation.WS, ModelMutation.NS}) {
            MultiLayerNetwork m = original.clone();
            int n = op.apply(m, 0.05, 11);
            assertTrue(n > 0);
            int changed = changedNeurons(original, m);
            assertTrue(changed > 0 && changed <= n, op + " changed " + changed + " neurons for " + n + " selected");
            for (int i = 0; i < original.getLayers().length; i++) {
                if (original.getLayer(i).getParam("W") != null) {
                    assertArrayEquals(sortedWeights(original.getLayer(i)), sortedWeights(m.getLayer(i)), op + " keeps layer " + i + "'s weights");
                }
            }
        }
        // NS in layers with ≥ 10 neurons: conv2 (16: ⌈0.8⌉ = 1), dense 120 (6), 84 (⌈4.2⌉ = 5), output 10 (1); a single
        // chosen neuron has nobody to switch with
        assertEquals(6 + 5, ModelMutation.NS.apply(lenet(), 0.05, 11));
    }

    @Test
    void aMutantIsDeterminedByOperatorRateAndSeed() {
        MultiLayerNetwork original = lenet();
        for (ModelMutation op : ModelMutation.values()) {
            MultiLayerNetwork a = original.clone();
            MultiLayerNetwork b = original.clone();
            MultiLayerNetwork c = original.clone();
            op.apply(a, 0.05, 1);
            op.apply(b, 0.05, 1);
            op.apply(c, 0.05, 2);
            assertEquals(a.params(), b.params(), op + " same seed");
            assertNotEquals(a.params(), c.params(), op + " other seed");
        }
    }

    @Test
    void rateOutsideItsRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelMutation.NAI.apply(lenet(), 0, 1));
        assertTrue(e.getMessage().contains("rate"));
        assertThrows(IllegalArgumentException.class, () -> ModelMutation.GF.apply(lenet(), 1.5, 1));
    }
}
