package io.github.ark4j.experiment;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.util.StageCache;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** How {@link MutationStages} keeps its stages in the {@link StageCache}: one codec per kind of stage result. */
final class MutationStageCodecs {
    private MutationStageCodecs() {
    }

    /** The successful adversarial inputs of an attack: name, labels, classes, shape, then the values (float). */
    static final StageCache.Codec<LabeledImages> ADVERSARIAL = new StageCache.Codec<>() {
        @Override
        public void write(LabeledImages adv, DataOutputStream out) throws IOException {
            out.writeUTF(adv.name());
            out.writeInt(adv.classes());
            int[] labels = adv.labels();
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeInt(l);
            }
            long[] shape = adv.features().shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            if (labels.length > 0) {
                for (float v : adv.features().castTo(DataType.FLOAT).dup('c').data().asFloat()) {
                    out.writeFloat(v);
                }
            }
        }

        @Override
        public LabeledImages read(DataInputStream in) throws IOException {
            String name = in.readUTF();
            int classes = in.readInt();
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readInt();
            }
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            if (labels.length == 0) {
                return new LabeledImages(name, Nd4j.create(DataType.FLOAT, shape), labels, classes);
            }
            float[] values = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            return new LabeledImages(name, Nd4j.createFromArray(values).reshape(shape), labels, classes);
        }
    };

    /** Writes the record of a generated mutant set (seeds, accuracies, original accuracy, draws). */
    static StageCache.Codec<MutantSet> mutantSetCodec(NetworkClassifier model, ModelMutation op, double rate) {
        return new StageCache.Codec<>() {
            @Override
            public void write(MutantSet set, DataOutputStream out) throws IOException {
                long[] seeds = set.seeds();
                double[] acc = set.accuracies();
                out.writeInt(seeds.length);
                for (int i = 0; i < seeds.length; i++) {
                    out.writeLong(seeds[i]);
                    out.writeDouble(acc[i]);
                }
                out.writeDouble(set.originalAccuracy());
                out.writeInt(set.drawn());
            }

            @Override
            public MutantSet read(DataInputStream in) throws IOException {
                int n = in.readInt();
                long[] seeds = new long[n];
                double[] acc = new double[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = in.readLong();
                    acc[i] = in.readDouble();
                }
                return MutantSet.of(model, op, rate, seeds, acc, in.readDouble(), in.readInt());
            }
        };
    }

    /** Label changes per set of inputs: name, rows, mutants, then the flags. */
    static final StageCache.Codec<Map<String, boolean[][]>> LABEL_CHANGES = new StageCache.Codec<>() {
        @Override
        public void write(Map<String, boolean[][]> changes, DataOutputStream out) throws IOException {
            out.writeInt(changes.size());
            for (Map.Entry<String, boolean[][]> e : changes.entrySet()) {
                out.writeUTF(e.getKey());
                boolean[][] rows = e.getValue();
                out.writeInt(rows.length);
                out.writeInt(rows.length == 0 ? 0 : rows[0].length);
                for (boolean[] row : rows) {
                    for (boolean b : row) {
                        out.writeBoolean(b);
                    }
                }
            }
        }

        @Override
        public Map<String, boolean[][]> read(DataInputStream in) throws IOException {
            Map<String, boolean[][]> changes = new LinkedHashMap<>();
            int sets = in.readInt();
            for (int s = 0; s < sets; s++) {
                String name = in.readUTF();
                boolean[][] rows = new boolean[in.readInt()][];
                int m = in.readInt();
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = new boolean[m];
                    for (int k = 0; k < m; k++) {
                        rows[i][k] = in.readBoolean();
                    }
                }
                changes.put(name, rows);
            }
            return changes;
        }
    };
}
