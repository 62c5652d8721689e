package io.github.ark4j.cli;

import io.github.ark4j.cluster.SparkUnits;
import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.Cifar10;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.eval.AttackBenchmark;
import io.github.ark4j.eval.EngineBenchmark;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.eval.MutationBenchmark;
import io.github.ark4j.eval.LayerProfile;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.ModelUnit;
import io.github.ark4j.experiment.MutationDetection;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Unit;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.eval.TorchPeer;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.util.KitFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the engine on random inputs: training, inference, input-gradient and 10-class Jacobian samples/s"
                + " and peak memory, per architecture, batch 128 by default. Prints the ND4J build in use. Set OMP_NUM_THREADS=2"
                + " to match docs/performance.md.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", split = ",", defaultValue = "papernot-mnist,lenet5,papernot-cifar10",
            description = "Architectures, comma-separated (default: ${DEFAULT-VALUE}); empty with --peer for the comparison only.")
    List<String> models;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per operation after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--peer", paramLabel = "torch_reference.py",
            description = "Also compare with a PyTorch twin of the nets on the same machine (a developer's script, not shipped): "
                    + "agreement of logits, gradients and Jacobian on the same weights, then alternating throughput pairs. "
                    + "Needs the full MNIST files (ARK4J_DATA) and a Python with torch: the project's .venv-peer with PyTorch 2.13 "
                    + "(tools/peer.sh --setup) unless --python names another.")
    Path peer;

    @Option(names = "--twins", description = "Instead of the engine alone: each --model net against its PyTorch twin (the kit's "
            + "tools/torch_twins.py, developer tooling) on random images, alternating blocks of the two sides: training, inference, "
            + "loss input gradient and 10-class Jacobian samples/s, their ratio and each side's peak memory. Needs a Python with "
            + "torch (see --python).")
    boolean twins;

    @Option(names = "--python", description = "Python with torch for --peer and --twins (default: .venv-peer/bin/python of the kit, "
            + "which tools/peer.sh --setup creates with PyTorch 2.13 for the CPU).")
    String python;

    @Option(names = "--pairs", defaultValue = "7", description = "Alternating ark4j/PyTorch pairs per operation for --peer and --twins (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--reps", defaultValue = "12", description = "Batches per block for --peer and --twins (Jacobian: a quarter; default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warm-up", defaultValue = "5", description = "Seconds ark4j's warm-up block of each operation runs at least, "
            + "for --peer and --twins: the JVM compiles an operation's hot paths over its first seconds (default: ${DEFAULT-VALUE}).")
    double warmUp;

    @Option(names = "--attacks", description = "Instead of the engine: adversarial examples per second of every attack (docs/papers.md "
            + "parameters) on the quick-profile Papernot MNIST net and, when CIFAR-10 is present, a Papernot CIFAR-10 net trained "
            + "2 epochs on 10,000 images (speed only; both from the model cache).")
    boolean attacks;

    @Option(names = "--cifar-model", paramLabel = "FILE", description = "For --attacks and --mutation: a saved Papernot CIFAR-10 model (e.g. the "
            + "model or checkpoint `ark4j train --model papernot-cifar10` wrote) instead of the 2-epoch speed-only net.")
    Path cifarModel;

    @Option(names = "--attack", split = ",", paramLabel = "NAME", description = "For --attacks: only these attacks, e.g. "
            + "--attack jsma-f,fgsm (FGSM, BIM, PGD, JSMA-Z, JSMA-F, DeepFool, C&W; default: all).")
    List<String> onlyAttacks = new java.util.ArrayList<>();

    @Option(names = "--attack-samples", defaultValue = "100", description = "Correctly classified test images per attack for --attacks (default: ${DEFAULT-VALUE}).")
    int attackSamples;

    @Option(names = "--mutation", description = "Instead of the engine: mutation-testing detection cost (docs/papers.md [2]) on the quick-profile "
            + "MNIST LeNet-5 and, when CIFAR-10 is present, the quick-profile Papernot CIFAR-10 net (or --cifar-model): accepted mutants per "
            + "second per operator, label changes per second from the kept activations and from whole mutants, SPRT inputs per second "
            + "batched and one input at a time (both from the model cache).")
    boolean mutation;

    @Option(names = "--mutants", defaultValue = "100", description = "For --mutation: accepted mutants per operator, also the SPRT's "
            + "maximum (paper: 500; default: ${DEFAULT-VALUE}).")
    int mutants;

    @Option(names = "--detect-inputs", defaultValue = "50", description = "For --mutation: normal test images, and as many FGSM "
            + "seeds, the SPRT runs on (default: ${DEFAULT-VALUE}).")
    int detectInputs;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Instead of the engine: the cost of running a unit as a Spark task "
            + "against running it in this process: one distillation unit (MNIST, quick profile, T = 20, one epoch per model; "
            + "--spark-profile full for all 60,000 images) computed twice each way, each time into an empty cache, e.g. "
            + "--spark local[1]. See docs/cluster.md.")
    String spark;

    @Option(names = "--layers", description = "Instead of the engine's four operations: where a training step's, a loss input gradient's and a "
            + "10-class logit Jacobian's time goes, by kind of work (convolution forward and backward, pooling, dense, ReLU, loss, updater, the rest: milliseconds per "
            + "call, FLOPs and the rate each reaches against this machine's sgemm), for each --model, each sampled for --seconds. See "
            + "docs/performance.md.")
    boolean layers;

    @Option(names = "--spark-profile", defaultValue = "quick", description = "For --spark: the profile whose data the unit trains on (default: ${DEFAULT-VALUE}).")
    String sparkProfile;

    @Override
    public Integer call() throws Exception {
        Ranges.check("--batch-size", batchSize, 1, 4096);
        Ranges.check("--seconds", seconds, 0.1, 3600);
        Ranges.check("--pairs", pairs, 1, 100);
        Ranges.check("--reps", reps, 1, 1000);
        Ranges.check("--warm-up", warmUp, 0, 600);
        Ranges.check("--attack-samples", attackSamples, 1, 10_000);
        Ranges.check("--mutants", mutants, 1, 5_000);
        Ranges.check("--detect-inputs", detectInputs, 1, 10_000);
        System.out.println(EngineBenchmark.buildInfo());
        if (spark != null) {
            benchSpark();
            return 0;
        }
        if (attacks) {
            benchAttacks();
            return 0;
        }
        if (mutation) {
            benchMutation();
            return 0;
        }
        if (layers) {
            for (String m : models.stream().filter(v -> !v.isBlank()).toList()) {
                for (LayerProfile.Operation op : LayerProfile.Operation.values()) {
                    System.out.println(LayerProfile.run(Architecture.fromCliName(m), batchSize, seconds, op).markdown());
                    System.out.flush();
                }
            }
            return 0;
        }
        if (twins) {
            System.out.println(TorchPeer.RATIO_HEADER);
            for (String m : models.stream().filter(v -> !v.isBlank()).toList()) {
                for (TorchPeer.Ratio r : TorchPeer.twinRatios(peerPython(), KitFiles.locate("tools").resolve("torch_twins.py"),
                        Architecture.fromCliName(m), new TorchPeer.Alternation(pairs, reps, warmUp))) {
                    System.out.println(r.markdown());
                    System.out.flush();
                }
            }
            return 0;
        }
        if (peer != null) {
            comparePeer();
            if (models.stream().allMatch(String::isBlank)) {
                return 0;
            }
        }
        System.out.println(EngineBenchmark.HEADER);
        for (String m : models.stream().filter(v -> !v.isBlank()).toList()) {
            for (EngineBenchmark.Row r : new EngineBenchmark(Architecture.fromCliName(m), batchSize, seconds).run()) {
                System.out.println(r.markdown());
                System.out.flush();
            }
        }
        return 0;
    }

    private void benchSpark() throws Exception {
        Profile profile = Profile.fromName(sparkProfile);
        List<Unit> units = List.of(new ModelUnit(profile, Dataset.MNIST.papernot(), Dataset.MNIST, 20, 1), new ModelUnit(profile, Dataset.MNIST.papernot(), Dataset.MNIST, 21, 1));
        Path work = Files.createTempDirectory("ark4j-bench-spark");
        System.out.println(SparkTaskCost.HEADER);
        List<SparkTaskCost> rows = new java.util.ArrayList<>();
        for (Unit u : units) {
            long t0 = System.nanoTime();
            u.compute(new ModelCache(Files.createTempDirectory(work, "in-process")));
            rows.add(new SparkTaskCost(u.name(), "in-process", (System.nanoTime() - t0) / 1e9, Double.NaN));
        }
        long t0 = System.nanoTime();
        try (SparkUnits cluster = new SparkUnits(spark, SparkUnits.kitSettings(true))) {
            double start = (System.nanoTime() - t0) / 1e9;
            for (Unit u : units) {
                long t1 = System.nanoTime();
                SparkUnits.Landed landed = cluster.run(List.of(u), new ModelCache(Files.createTempDirectory(work, "spark"))).get(0);
                rows.add(new SparkTaskCost(u.name(), "Spark task (context started in " + String.format(Locale.ROOT, "%.1f s", start) + ")",
                        (System.nanoTime() - t1) / 1e9, landed.seconds()));
            }
        }
        rows.forEach(r -> System.out.println(r.markdown()));
    }

    /** One unit's wall time in this process or as a Spark task, and the time the task spent computing on its executor. */
    private record SparkTaskCost(String unit, String where, double seconds, double executorSeconds) {
        static final String HEADER = "| unit | where | wall time (s) | computing on the executor (s) |\n|---|---|---|---|";

        String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %.1f | %s |", unit, where, seconds,
                    Double.isNaN(executorSeconds) ? "" : String.format(Locale.ROOT, "%.1f", executorSeconds));
        }
    }

    private void benchAttacks() throws Exception {
        List<AttackBenchmark.Row> rows = new java.util.ArrayList<>();
        AttackBenchmark.select(AttackBenchmark.attacks(false), onlyAttacks); // an unknown name fails before any work
        NetworkClassifier mnist = Profile.QUICK.papernotMnist();
        rows.addAll(AttackBenchmark.run("MNIST", mnist, Accuracy.correctlyClassified(mnist, Profile.QUICK.mnistTest(), attackSamples), false, onlyAttacks));
        Path cifarFolder = DataDirectory.folder("cifar-10");
        if (Cifar10.present(cifarFolder)) {
            LabeledImages train = Cifar10.load(cifarFolder, Cifar10.Split.TRAIN).first(10_000);
            LabeledImages test = Cifar10.load(cifarFolder, Cifar10.Split.TEST).first(2_000);
            TrainingConfig c = TrainingConfig.builder(Architecture.PAPERNOT_CIFAR10).epochs(2).seed(1).build();
            NetworkClassifier cifar = (cifarModel != null ? ModelFile.load(cifarModel) : ModelCache.standard().getOrTrain(c, train, test)).classifier();
            System.out.printf(Locale.ROOT, "CIFAR-10 model: %s, %.2f%% on the first %d test images%n", cifarModel != null ? cifarModel : "2 epochs on 10,000 images",
                    100 * Accuracy.of(cifar, test), test.size());
            rows.addAll(AttackBenchmark.run("CIFAR-10", cifar, Accuracy.correctlyClassified(cifar, test, attackSamples), true, onlyAttacks));
        } else {
            System.out.println("CIFAR-10 not found in " + cifarFolder + ": MNIST only");
        }
        System.out.println(AttackBenchmark.HEADER);
        rows.forEach(r -> System.out.println(r.markdown()));
    }

    private void benchMutation() throws Exception {
        List<MutationBenchmark.Rows> rows = new java.util.ArrayList<>();
        for (Dataset dataset : Dataset.values()) {
            if (!dataset.present()) {
                System.out.println(dataset.title() + " not found (" + DataDirectory.describe() + "): skipped");
                continue;
            }
            MutationDetection experiment = new MutationDetection(dataset);
            NetworkClassifier model = dataset == Dataset.CIFAR10 && cifarModel != null ? ModelFile.load(cifarModel).classifier()
                    : experiment.model(Profile.QUICK);
            LabeledImages test = Profile.QUICK.test(dataset);
            LabeledImages validation = test.first(Math.min(1000, test.size()));
            LabeledImages calibration = Accuracy.correctlyClassified(model, Profile.QUICK.train(dataset), 200);
            System.out.printf(Locale.ROOT, "%s: %s, %.2f%% on %d test images, rate %s%n", dataset.title(), ModelMutation.describe(model.network()),
                    100 * Accuracy.of(model, validation), validation.size(), experiment.rate());
            MutationBenchmark.Inputs inputs = MutationBenchmark.Inputs.of(model, test, detectInputs, experiment.fgsmEpsilon());
            rows.add(MutationBenchmark.run(dataset.title(), model, experiment.rate(), mutants, MutationDetection.MU, validation, calibration, inputs));
        }
        System.out.println(MutationBenchmark.MUTANT_HEADER);
        rows.forEach(r -> r.mutants().forEach(m -> System.out.println(m.markdown())));
        System.out.println(MutationBenchmark.LABEL_CHANGE_HEADER);
        rows.forEach(r -> r.labelChanges().forEach(l -> System.out.println(l.markdown())));
        System.out.println(MutationBenchmark.DETECTION_HEADER);
        rows.forEach(r -> r.detection().forEach(d -> System.out.println(d.markdown())));
    }

    /** --python, or the kit's .venv-peer. */
    private String peerPython() {
        if (python != null) {
            return python;
        }
        Path venv = KitFiles.locate(".venv-peer").resolve("bin").resolve("python");
        if (!Files.isExecutable(venv)) {
            throw new IllegalArgumentException("--python: no " + venv + "; create the peer's environment with tools/peer.sh --setup "
                    + "(PyTorch 2.13 for the CPU) or name a Python with torch and numpy");
        }
        return venv.toString();
    }

    private void comparePeer() throws Exception {
        Path work = Files.createTempDirectory("ark4j-peer");
        TorchPeer t = new TorchPeer(peerPython(), peer, DataDirectory.folder("mnist"), work);
        Path init = t.initialWeights();
        Path trained = t.trainedWeights(init, 2);
        TorchPeer.Agreement a = t.agreement(trained);
        System.out.printf(Locale.ROOT, "agreement with PyTorch on the same weights (128 test images, max |ours - torch| / max |torch|):"
                + " logits %.2e, loss input gradient %.2e, logit Jacobian %.2e, same predictions: %s%n",
                a.logits(), a.lossGradient(), a.jacobian(), a.samePredictions());
        System.out.println(TorchPeer.RATIO_HEADER);
        for (TorchPeer.Ratio r : t.ratios(trained, init, new TorchPeer.Alternation(pairs, reps, warmUp))) {
            System.out.println(r.markdown());
            System.out.flush();
        }
    }
}
