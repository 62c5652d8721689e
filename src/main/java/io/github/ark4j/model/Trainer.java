package io.github.ark4j.model;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.ShuffledBatches;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a network from a {@link TrainingConfig}, seeded end to end: the initial weights come from the seed, epoch e
 * visits the data in an order drawn from (seed, e), and the dropout random stream is reseeded from (seed, e) at the
 * start of every epoch. The same seed therefore gives the same weights bit for bit on the same machine, and a run
 * resumed from the checkpoint after epoch e continues exactly as the uninterrupted run would have.
 */
public final class Trainer {
    private final TrainingConfig config;
    private Path checkpoint;
    private DataType dataType = DataType.FLOAT;

    /** Statistics of one epoch. */
    public record EpochStats(int epoch, double meanLoss, double testAccuracy, double samplesPerSecond, double seconds) {
    }

    /** The trained network, its metadata and the per-epoch history (epochs run by this call only). */
    public record Result(MultiLayerNetwork network, ModelInfo info, List<EpochStats> history) {
        public NetworkClassifier classifier() {
            return new NetworkClassifier(network, info.architecture());
        }
    }

    public Trainer(TrainingConfig config) {
        this.config = config;
    }

    /** Write a checkpoint there after every epoch, and resume from it when it matches this configuration. */
    public Trainer checkpoint(Path file) {
        this.checkpoint = file;
        return this;
    }

    /** Train in another precision (DOUBLE for gradient checks). */
    public Trainer dataType(DataType dt) {
        this.dataType = dt;
        return this;
    }

    /** Trains on one-hot labels of a labelled set; reports test accuracy per epoch when {@code test} is not null. */
    public Result train(LabeledImages train, LabeledImages test) throws IOException {
        return train(train.features(), train.oneHot(), train.name(), test, "");
    }

    /**
     * Trains on arbitrary (possibly soft) labels.
     *
     * @param labels      [n, classes] one-hot or probability rows
     * @param datasetName recorded in the metadata
     * @param extra       provenance recorded in the metadata (e.g. the teacher of a distilled model)
     */
    public Result train(INDArray features, INDArray labels, String datasetName, LabeledImages test, String extra) throws IOException {
        Architecture arch = config.architecture();
        MultiLayerNetwork net;
        int startEpoch = 0;
        ModelFile.Loaded resumed = checkpoint == null ? null : readCheckpoint(datasetName);
        if (resumed != null) {
            net = resumed.network();
            startEpoch = resumed.info().epochsDone();
            Progress.log("ark4j: resuming " + arch.cliName() + " from " + checkpoint + " after epoch " + startEpoch);
        } else {
            net = new MultiLayerNetwork(arch.configuration(config.temperature(), config.updater(), config.seed(), dataType));
            net.init();
        }
        Engine.defaults().accelerate(net);
        ShuffledBatches batches = new ShuffledBatches(features.castTo(dataType), labels.castTo(dataType), config.batchSize(), true, config.seed(), startEpoch);
        List<EpochStats> history = new ArrayList<>();
        double acc = Double.NaN;
        for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
            batches.startEpoch(epoch);
            Nd4j.getRandom().setSeed(config.seed() * 1_000_003L + epoch);
            long t0 = System.nanoTime();
            double lossSum = 0;
            int steps = 0;
            try (Progress bar = Progress.start(String.format(Locale.ROOT, "%s epoch %d/%d", arch.cliName(), epoch + 1, config.epochs()),
                    features.size(0), "img")) {
                while (batches.hasNext()) {
                    DataSet ds = batches.next();
                    Engine.defaults().fit(net, ds);
                    double loss = net.score();
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + (epoch + 1) + ", batch " + (steps + 1)
                                + " (" + config + "); lower the learning rate");
                    }
                    lossSum += loss;
                    steps++;
                    bar.step(ds.numExamples(), String.format(Locale.ROOT, " loss %.4f", lossSum / steps));
                }
            }
            net.getLayerWiseConfigurations().setEpochCount(epoch + 1);
            double secs = (System.nanoTime() - t0) / 1e9;
            acc = test == null ? Double.NaN : Accuracy.of(new NetworkClassifier(net, arch), test);
            EpochStats s = new EpochStats(epoch + 1, lossSum / steps, acc, features.size(0) / secs, secs);
            history.add(s);
            Progress.log(String.format(Locale.ROOT, "%s epoch %d/%d: loss %.4f, test accuracy %s, %.0f samples/s, %.1f s",
                    arch.cliName(), s.epoch(), config.epochs(), s.meanLoss(), Double.isNaN(acc) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * acc),
                    s.samplesPerSecond(), s.seconds()));
            if (checkpoint != null) {
                ModelFile.save(net, ModelInfo.of(config.toBuilder().epochs(epoch + 1).build(), datasetName, epoch + 1, acc, extra), checkpoint);
            }
        }
        if (history.isEmpty() && test != null) {
            acc = Accuracy.of(new NetworkClassifier(net, arch), test);
        }
        return new Result(net, ModelInfo.of(config, datasetName, config.epochs(), acc, extra), history);
    }

    /** The checkpoint if it continues this run; one that cannot be read is moved aside and the run starts afresh. */
    private ModelFile.Loaded readCheckpoint(String datasetName) throws IOException {
        if (!Files.exists(checkpoint)) {
            return null;
        }
        try {
            return resumable(ModelFile.readInfo(checkpoint), datasetName) ? ModelFile.load(checkpoint) : null;
        } catch (IOException e) {
            AtomicFiles.moveAside(checkpoint, e.getMessage());
            return null;
        }
    }

    /** A checkpoint continues this run if everything but the number of epochs matches (so a run can also be extended). */
    private boolean resumable(ModelInfo info, String datasetName) {
        String sameButEpochs = config.toBuilder().epochs(Math.max(1, info.epochsDone())).build().canonical();
        return info.training().equals(sameButEpochs) && info.dataset().equals(datasetName) && info.epochsDone() <= config.epochs();
    }
}
