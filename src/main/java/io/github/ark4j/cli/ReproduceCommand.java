package io.github.ark4j.cli;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.experiment.Experiment;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Reproduction;
import io.github.ark4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run the papers' experiments headless and write results/<profile>/<experiment>/ with figures (PNG), "
                + "tables (CSV) and a report.md that puts each paper number beside ours with its tolerance and pass/fail.",
                "Trained models come from the model cache (see README), so a second run only attacks."})
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--profile", defaultValue = "quick",
            description = "quick (embedded-size subset, few epochs: minutes) or full (the papers' data and settings: hours). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Run only these experiments (comma-separated): fgsm-mnist, jsma-mnist, distillation-mnist, distillation-cifar10, "
                    + "distillation-not-robust-mnist, mutation-mnist, mutation-cifar10. Default: all whose dataset the data root holds.")
    List<String> only;

    @Option(names = "--out", description = "Output folder (default: results/<profile>).")
    Path out;

    @Option(names = "--temperatures", split = ",", paramLabel = "T",
            description = "Distil at these temperatures only (comma-separated numbers > 0) instead of the profile's (quick 1, 20, 100 "
                    + "on MNIST, 20, 100 on CIFAR-10; full the paper's 1, 2, 5, 10, 20, 30, 40, 50, 100), e.g. 100 for the CIFAR-10 "
                    + "claims without the 18 models of the full sweep. Affects distillation-mnist and distillation-cifar10 only.")
    List<Double> temperatures;

    @Option(names = "--strict", description = "Exit with status 1 when a claim fails (a known difference, explained in docs/known-differences.md, does not; default: report only).")
    boolean strict;

    @Override
    public Integer call() throws Exception {
        Profile p = Profile.fromName(profile);
        p.requireMemory();
        Path dir = out != null ? out : Path.of("results", p.toString());
        System.err.println("ark4j: data from " + DataDirectory.describe() + "; experiments "
                + Reproduction.all().stream().map(Experiment::name).toList() + "; results in " + dir);
        double[] chosen = temperatures == null ? null : temperatures.stream().mapToDouble(Double::doubleValue).toArray();
        AtomicFiles.requireWritable(dir, "the results folder", "choose another --out");
        int failed = new Reproduction(p, dir, chosen).run(only);
        System.out.println("report: " + dir.resolve("README.md") + (failed == 0 ? " (all claims within tolerance)" : " (" + failed + " claims outside tolerance)"));
        return strict && failed > 0 ? 1 : 0;
    }
}
