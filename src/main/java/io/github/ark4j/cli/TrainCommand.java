package io.github.ark4j.cli;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.model.Trainer;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one of the papers' networks on its dataset (from -Dark4j.data, ARK4J_DATA or the embedded data/),"
                + " print the test accuracy after every epoch, save the model with its metadata."
                + " Killed runs resume from the checkpoint written after every epoch.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "papernot-mnist",
            description = "Architecture: papernot-mnist, papernot-cifar10 or lenet5 (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", description = "Training epochs (default: the paper's, 50 for the Papernot nets, 20 for LeNet-5).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Mini-batch size (default: 128, the paper's).")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "SGD learning rate (default: the paper's, 0.1 MNIST, 0.01 CIFAR-10).")
    Double learningRate;

    @Option(names = "--momentum", description = "Nesterov momentum (default: 0.5 MNIST, 0.9 CIFAR-10 and LeNet-5).")
    Double momentum;

    @Option(names = "--temperature", defaultValue = "1", description = "Softmax temperature T of the training loss (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, data order and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Where to save the model (default: the model cache, see README).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Architecture arch = Architecture.fromCliName(model);
        TrainingConfig.Builder b = TrainingConfig.builder(arch).temperature(temperature).seed(seed);
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (momentum != null) {
            b.momentum(momentum);
        }
        TrainingConfig config = b.build();
        if (out != null) {
            AtomicFiles.requireWritable(out.toAbsolutePath().getParent(), "the folder of --out", "choose another --out");
        }
        System.err.println("ark4j: data from " + DataDirectory.describe());
        Dataset dataset = Dataset.of(arch);
        LabeledImages train = dataset.load(true), test = dataset.load(false);
        ModelFile.Loaded result;
        long t0 = System.nanoTime();
        if (out == null) {
            result = ModelCache.standard().getOrTrain(config, train, test);
        } else {
            Path ckpt = out.resolveSibling(out.getFileName() + ".checkpoint");
            Trainer.Result r = new Trainer(config).checkpoint(ckpt).train(train, test);
            ModelFile.save(r.network(), r.info(), out);
            Files.deleteIfExists(ckpt);
            result = new ModelFile.Loaded(r.network(), r.info());
        }
        System.out.printf(Locale.ROOT, "%s trained on %s: test accuracy %.2f%% on %s (%.1f min)%n", arch.cliName(),
                train.name(), 100 * result.info().testAccuracy(), test.name(), (System.nanoTime() - t0) / 6e10);
        return 0;
    }
}
