package io.github.ark4j.cli;

import io.github.ark4j.eval.EngineBenchmark;
import io.github.ark4j.model.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the engine on random inputs: training, inference, input-gradient and 10-class Jacobian samples/s"
                + " and peak memory, per architecture, batch 128 by default. Prints the ND4J build in use. Set OMP_NUM_THREADS=2"
                + " to match docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", split = ",", defaultValue = "papernot-mnist,lenet5,papernot-cifar10",
            description = "Architectures, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per operation after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        System.out.println(EngineBenchmark.buildInfo());
        System.out.println(EngineBenchmark.HEADER);
        for (String m : models) {
            for (EngineBenchmark.Row r : new EngineBenchmark(Architecture.fromCliName(m), batchSize, seconds).run()) {
                System.out.println(r.markdown());
                System.out.flush();
            }
        }
        return 0;
    }
}
