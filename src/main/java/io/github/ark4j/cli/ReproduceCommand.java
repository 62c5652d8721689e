package io.github.ark4j.cli;

import io.github.ark4j.cluster.SparkUnits;
import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.experiment.Experiment;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Reproduction;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--master", paramLabel = "URL",
            description = "A Spark master (spark://host:7077, or local[N] to try it on this machine): the experiments' independent "
                    + "units (their models; then the distillation measurements in shards of 100 images and the detection's "
                    + "adversarial inputs and mutants; then the label changes) run as Spark tasks first and land in the model and "
                    + "stage cache; the reports are then written here as without it. Under spark-submit, its master. See "
                    + "docs/cluster.md. Default: everything in this process.")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark setting for --master (repeatable), e.g. --conf spark.executor.memory=6g.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--kit-on-workers",
            description = "With --master: the kit is installed at this same path on every worker (one machine, a shared file "
                    + "system), so executors load it in place instead of receiving its jars from this process.")
    boolean kitOnWorkers;

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
        Reproduction reproduction = new Reproduction(p, dir, chosen);
        String cluster = master != null ? master : System.getProperty("spark.master");
        if (cluster != null) {
            Map<String, String> settings = new LinkedHashMap<>(SparkUnits.kitSettings(kitOnWorkers));
            settings.putAll(conf);
            try (SparkUnits spark = new SparkUnits(cluster, settings)) {
                spark.run(reproduction.units(only), ModelCache.standard());
            }
        } else if (kitOnWorkers || !conf.isEmpty()) {
            throw new IllegalArgumentException((kitOnWorkers ? "--kit-on-workers" : "--conf") + ": only with --master URL (a Spark master)");
        }
        int failed = reproduction.run(only);
        System.out.println("report: " + dir.resolve("README.md") + (failed == 0 ? " (this run's claims: none failed)"
                : " (this run's claims: " + failed + " failed)"));
        return strict && failed > 0 ? 1 : 0;
    }
}
