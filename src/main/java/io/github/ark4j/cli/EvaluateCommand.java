package io.github.ark4j.cli;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Load a saved model, print its metadata and its accuracy on the test split of its dataset.")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The model file (.zip written by `ark4j train`).")
    Path modelFile;

    @Override
    public Integer call() throws Exception {
        ModelFile.Loaded m = ModelFile.load(modelFile);
        System.out.println("model: " + modelFile + "\n  " + m.info());
        LabeledImages test = Dataset.of(m.info().architecture()).load(false);
        System.out.printf(Locale.ROOT, "test accuracy %.2f%% on %s%n", 100 * Accuracy.of(m.classifier(), test), test.name());
        return 0;
    }
}
