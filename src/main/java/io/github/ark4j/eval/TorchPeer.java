package io.github.ark4j.eval;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import io.github.ark4j.util.Stats;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * ark4j against the PyTorch reference (a developer's script, not shipped with the kit) on the same machine, in the same
 * run: the Papernot MNIST net with the same weights on both sides, (1) an equivalence check of logits, loss input
 * gradient and logit Jacobian against the reference's {@code dump}, and (2) throughput of training, inference,
 * input gradient (against torch's input-only {@code autograd.grad} and against the {@code loss.backward()} that
 * ART's FGSM and BIM run, parameter gradients included) and Jacobian, alternating blocks of the two sides (torch,
 * ark4j, torch, ark4j, …) through the reference's {@code serve} mode; the ratio of each pair is ark4j/PyTorch and the figure is the median over pairs.
 * Needs the full MNIST files (the reference trains on 7,936 images) and {@code python3} with torch and numpy.
 */
public final class TorchPeer {
    /** The reference's layer names, in the order of the Papernot MNIST net's parameter layers. */
    private static final String[] LAYERS = {"conv1", "conv2", "conv3", "conv4", "fc1", "fc2", "fc3"};
    /** DL4J layer index of each reference layer (pooling layers have no parameters). */
    private static final int[] DL4J_LAYER = {0, 1, 3, 4, 6, 7, 8};
    private static final Pattern SAMPLES_PER_S = Pattern.compile("samples_per_s=([0-9.]+)");
    private static final Pattern PEAK_KB = Pattern.compile("peak_rss_kb=([0-9]+)");
    private static final int BATCH = 128;
    /** Images each MNIST split must hold: the official test split's 10,000 (the kit's embedded subset has fewer). */
    private static final int FULL_MNIST_IMAGES = 10_000;

    private final String python;
    private final Path script;
    private final Path work;
    private final Path rawMnist;
    /** The full MNIST splits, as the reference holds them too. */
    private final LabeledImages train;
    private final LabeledImages test;

    /** Max relative errors (max |ours − torch| / max |torch|) of the equivalence check. */
    public record Agreement(double logits, double lossGradient, double jacobian, boolean samePredictions) {
    }

    /**
     * How the two sides alternate: {@code pairs} measured pairs of blocks of {@code reps} batches per operation (the
     * Jacobian's a quarter as many), after one warm-up block per side, ark4j's running on for at least
     * {@code warmUpSeconds}: the JVM compiles a fresh operation's hot paths over its first seconds (one block of
     * LeNet-5's training steps is a tenth of a second).
     */
    public record Alternation(int pairs, int reps, double warmUpSeconds) {
        public Alternation {
            if (pairs < 1 || reps < 1 || !(warmUpSeconds >= 0)) {
                throw new IllegalArgumentException("pairs and reps must be at least 1 and the warm-up at least 0 s, got "
                        + pairs + ", " + reps + ", " + warmUpSeconds);
            }
        }
    }

    /** One operation's alternating measurement. */
    public record Ratio(String operation, double arkSamplesPerSecond, double torchSamplesPerSecond, double medianRatio,
                        double minRatio, double maxRatio, int pairs, long arkPeakRssMiB, long torchPeakRssMiB) {
        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %.0f | %.0f | **%.2f** | %.2f–%.2f | %d | %d | %d |", operation,
                    arkSamplesPerSecond, torchSamplesPerSecond, medianRatio, minRatio, maxRatio, pairs, arkPeakRssMiB, torchPeakRssMiB);
        }
    }

    public static final String RATIO_HEADER = "| operation (batch 128) | ark4j samples/s | PyTorch samples/s | ratio (median) | range | pairs "
            + "| ark4j peak RSS MiB | PyTorch peak RSS MiB |\n|---|---|---|---|---|---|---|---|";

    /**
     * @param python  the Python interpreter with torch and numpy (the project's .venv-peer: tools/peer.sh --setup)
     * @param script  torch_reference.py
     * @param mnist   a folder with the four official MNIST files (gzip or not)
     * @param work    a scratch folder for weights, dumps and the decompressed files
     */
    public TorchPeer(String python, Path script, Path mnist, Path work) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("--peer: " + script + " is not a file; expected the PyTorch twin script (torch_reference.py)");
        }
        this.python = python;
        this.script = script;
        this.work = Files.createDirectories(work);
        this.rawMnist = decompress(mnist, work.resolve("mnist-raw"));
        // read once, with the kit's loader, for the agreement and the throughput blocks
        this.train = Mnist.load(rawMnist, Mnist.Split.TRAIN);
        this.test = Mnist.load(rawMnist, Mnist.Split.TEST);
        for (LabeledImages set : List.of(train, test)) {
            if (set.size() < FULL_MNIST_IMAGES) {
                throw new IllegalArgumentException("--peer needs the full MNIST files (ARK4J_DATA): " + mnist + " holds " + set.name()
                        + ", expected at least " + FULL_MNIST_IMAGES + " images per split (the reference trains on 8,000)");
            }
        }
    }

    /** Writes the reference's seeded initial weights and returns their folder. */
    public Path initialWeights() throws IOException {
        Path w0 = work.resolve("w0");
        call("init", w0.toString());
        return w0;
    }

    /** Trains the reference from {@code init} for a number of epochs on 8,000 images and returns the weights' folder. */
    public Path trainedWeights(Path init, int epochs) throws IOException {
        Path wt = work.resolve("wt");
        call("train", rawMnist.toString(), init.toString(), String.valueOf(epochs), wt.toString());
        return wt;
    }

    /** The Papernot MNIST net with the reference's weights (conv [out,in,kh,kw] as is; dense transposed to [in,out]). */
    public static MultiLayerNetwork load(Path weights) throws IOException {
        Architecture a = Architecture.PAPERNOT_MNIST;
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 1, DataType.FLOAT));
        net.init();
        for (int i = 0; i < LAYERS.length; i++) {
            INDArray w = Npy.read(weights.resolve(LAYERS[i] + ".w.npy"));
            INDArray b = Npy.read(weights.resolve(LAYERS[i] + ".b.npy"));
            if (w.rank() == 2) {
                w = w.transpose();
            }
            String key = DL4J_LAYER[i] + "_";
            INDArray ourW = net.getParam(key + "W");
            INDArray ourB = net.getParam(key + "b");
            if (!Arrays.equals(ourW.shape(), w.shape()) || ourB.length() != b.length()) {
                throw new IOException(weights + ": " + LAYERS[i] + " has shape " + Arrays.toString(w.shape()) + ", expected "
                        + Arrays.toString(ourW.shape()) + " (Papernot MNIST net)");
            }
            ourW.assign(w);
            ourB.assign(b.reshape(ourB.shape()));
        }
        return net;
    }

    /** Compares ark4j's logits, loss gradient and logit Jacobian on the first 128 test images with the reference's dump. */
    public Agreement agreement(Path weights) throws IOException {
        Path dump = work.resolve("dump");
        call("dump", rawMnist.toString(), weights.toString(), dump.toString());
        NetworkClassifier c = new NetworkClassifier(load(weights), Architecture.PAPERNOT_MNIST);
        LabeledImages batch = test.first(BATCH);
        INDArray x = batch.features();
        INDArray logits = c.logits(x);
        // the reference differentiates the batch-mean loss; ours is each sample's own loss
        INDArray grad = c.lossGradient(x, batch.oneHot(), 1).div(BATCH);
        INDArray jac = c.logitJacobian(x).permute(1, 0, 2, 3, 4).dup('c');
        INDArray tLogits = Npy.read(dump.resolve("logits.npy"));
        return new Agreement(relError(logits, tLogits), relError(grad, Npy.read(dump.resolve("grad.npy"))),
                relError(jac, Npy.read(dump.resolve("jac_loop.npy"))),
                Arrays.equals(io.github.ark4j.model.Tensors.argmaxRows(logits), io.github.ark4j.model.Tensors.argmaxRows(tLogits)));
    }

    static double relError(INDArray ours, INDArray theirs) {
        if (!Arrays.equals(ours.shape(), theirs.shape())) {
            throw new IllegalStateException("shapes differ: ours " + Arrays.toString(ours.shape()) + ", PyTorch " + Arrays.toString(theirs.shape()));
        }
        INDArray t = theirs.castTo(DataType.DOUBLE).reshape(-1);
        INDArray o = ours.castTo(DataType.DOUBLE).dup('c').reshape(-1);
        return o.sub(t).amaxNumber().doubleValue() / t.amaxNumber().doubleValue();
    }

    /**
     * Alternates blocks of {@code reps} batches of each operation between PyTorch (through {@code serve}) and ark4j,
     * {@code pairs} times, after one warm-up block per side.
     */
    public List<Ratio> ratios(Path weights, Path init, Alternation alternation) throws IOException {
        NetworkClassifier c = new NetworkClassifier(load(weights), Architecture.PAPERNOT_MNIST);
        MultiLayerNetwork trainee = load(init);
        Engine.defaults().accelerate(trainee);
        List<INDArray> tx = batches(test.features(), 15);
        List<INDArray> ty = batches(test.oneHot(), 15);
        List<INDArray> rx = batches(train.features(), 62);
        List<INDArray> ry = batches(train.oneHot(), 62);
        // the peer's operation names, in the order they are measured and reported
        Map<String, IntConsumer> ours = new LinkedHashMap<>();
        ours.put("train", i -> Engine.defaults().fit(trainee, new DataSet(rx.get(i % rx.size()), ry.get(i % ry.size()))));
        ours.put("infer", i -> c.logits(tx.get(i % tx.size())));
        ours.put("grad", i -> c.lossGradient(tx.get(i % tx.size()), ty.get(i % ty.size()), 1));
        // ART's FGSM and BIM take their gradient from loss.backward(), parameter gradients included: against that
        // backward pass (the peer's grad_art), our input gradient tells how FGSM/BIM compare with ART on this machine
        ours.put("grad_art", ours.get("grad"));
        ours.put("jac_loop", i -> c.logitJacobian(tx.get(i % tx.size())));
        return alternate(List.of(python, script.toString(), "serve", rawMnist.toString(), weights.toString(), init.toString()), "",
                ready -> { }, ours, alternation);
    }

    /**
     * Alternates the four operations of ark4j's {@code architecture} with its PyTorch twin ({@code tools/torch_twins.py}),
     * each side on its own freshly initialised net and 15 batches of seeded random images in [0, 1): training steps,
     * logits, loss input gradients and 10-class logit Jacobians, as {@link #ratios} does for the Papernot MNIST net on
     * MNIST with shared weights (speed does not depend on the weights' values).
     */
    public static List<Ratio> twinRatios(String python, Path twins, Architecture architecture, Alternation alternation) throws IOException {
        if (!Files.isRegularFile(twins)) {
            throw new IllegalArgumentException("--twins: " + twins + " is not a file; expected the kit's tools/torch_twins.py");
        }
        EngineBenchmark.Workload w = EngineBenchmark.Workload.of(architecture, BATCH);
        MultiLayerNetwork net = w.net();
        NetworkClassifier c = new NetworkClassifier(net, architecture);
        List<INDArray> x = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            x.add(Nd4j.rand(DataType.FLOAT, w.x().shape()));
        }
        INDArray y = w.labels();
        Map<String, IntConsumer> ours = new LinkedHashMap<>();
        ours.put("train", i -> Engine.defaults().fit(net, new DataSet(x.get(i % x.size()), y)));
        ours.put("infer", i -> c.logits(x.get(i % x.size())));
        ours.put("grad", i -> c.lossGradient(x.get(i % x.size()), y, 1));
        ours.put("jac_loop", i -> c.logitJacobian(x.get(i % x.size())));
        return alternate(List.of(python, twins.toString(), "serve", architecture.cliName(), String.valueOf(BATCH)),
                architecture.cliName() + " ", ready -> checkTwin(architecture.cliName(), net.numParams(), ready), ours, alternation);
    }

    /** Refuses a twin whose READY line ("READY parameters=N") gives another parameter count than ark4j's net has. */
    static void checkTwin(String model, long parameters, String ready) throws IOException {
        Matcher m = Pattern.compile("parameters=([0-9]+)").matcher(ready);
        if (!m.find() || Long.parseLong(m.group(1)) != parameters) {
            throw new IOException("the PyTorch twin of " + model + " is not the same net: it says \"" + ready
                    + "\", expected parameters=" + parameters);
        }
    }

    /** What the peer's READY line must satisfy before any block runs. */
    private interface ReadyCheck {
        void check(String ready) throws IOException;
    }

    /**
     * Runs a PyTorch server ({@code command}: it prints READY, which {@code readyCheck} accepts or refuses, then
     * answers each "OP REPS" line with one RESULT line giving samples/s and the block's peak resident set) and
     * alternates blocks of each operation with ark4j's ({@code ours}, by the server's operation names) as
     * {@code alternation} says.
     */
    private static List<Ratio> alternate(List<String> command, String label, ReadyCheck readyCheck, Map<String, IntConsumer> ours,
                                         Alternation alternation) throws IOException {
        int pairs = alternation.pairs();
        int reps = alternation.reps();
        List<Ratio> out = new ArrayList<>();
        String python = command.get(0);
        String script = command.get(1);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter cmd = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("READY")) {
                Progress.log("peer: " + line);
            }
            if (line == null) {
                throw new IOException(script + " serve ended before READY: see its message above (is torch installed for " + python
                        + "? does it know the model?)");
            }
            readyCheck.check(line);
            try (Progress prog = Progress.start("ark4j vs PyTorch", (long) ours.size() * (pairs + 1), "pairs")) {
                for (String op : ours.keySet()) {
                    int opReps = op.equals("jac_loop") ? Math.max(1, reps / 4) : reps;
                    double[] ark = new double[pairs];
                    double[] torch = new double[pairs];
                    long torchPeak = 0;
                    long arkPeak = 0;
                    int cursor = 0;
                    for (int k = -1; k < pairs; k++) {
                        cmd.println(op + " " + opReps);
                        String r = in.readLine();
                        if (r == null) {
                            throw new IOException(script + " serve ended during " + op);
                        }
                        double torchRate = number(SAMPLES_PER_S, r);
                        torchPeak = Math.max(torchPeak, (long) number(PEAK_KB, r) / 1024);
                        // each side's peak resident set over its own blocks: the peer resets its counter before each block too
                        EngineBenchmark.resetPeakRss();
                        long t0 = System.nanoTime();
                        for (int i = 0; i < opReps; i++) {
                            ours.get(op).accept(cursor++);
                        }
                        double arkRate = opReps * BATCH / ((System.nanoTime() - t0) / 1e9);
                        arkPeak = Math.max(arkPeak, EngineBenchmark.peakRssMiB());
                        while (k < 0 && System.nanoTime() - t0 < alternation.warmUpSeconds() * 1e9) {
                            ours.get(op).accept(cursor++);
                        }
                        if (k >= 0) {
                            ark[k] = arkRate;
                            torch[k] = torchRate;
                        }
                        prog.step(1, String.format(Locale.ROOT, " %s ark4j %.0f/s torch %.0f/s", op, arkRate, torchRate));
                    }
                    double[] ratio = new double[pairs];
                    for (int k = 0; k < pairs; k++) {
                        ratio[k] = ark[k] / torch[k];
                    }
                    out.add(new Ratio(label + op, Stats.median(ark), Stats.median(torch), Stats.median(ratio), Arrays.stream(ratio).min().orElse(0),
                            Arrays.stream(ratio).max().orElse(0), pairs, arkPeak, torchPeak));
                }
            }
            cmd.println("quit");
        } finally {
            p.destroy();
        }
        return out;
    }

    /** Views of the loaded set, as the peer's batches are of its arrays: copies would hold 31 MB more than it does. */
    private static List<INDArray> batches(INDArray a, int n) {
        List<INDArray> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(a.get(NDArrayIndex.interval(i * BATCH, (i + 1) * BATCH)));
        }
        return out;
    }

    private static double number(Pattern p, String line) throws IOException {
        Matcher m = p.matcher(line);
        if (!m.find()) {
            throw new IOException("unexpected line from the PyTorch reference: " + line);
        }
        return Double.parseDouble(m.group(1));
    }

    private void call(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("RESULT")) {
                Progress.log("peer: " + line);
            }
        }
    }

    /**
     * The reference reads uncompressed IDX files and names the test split "test-…" where the official files say
     * "t10k-…": gunzip the four MNIST files into {@code dest} once, and link the test files under both names.
     */
    private static Path decompress(Path mnist, Path dest) throws IOException {
        Files.createDirectories(dest);
        for (String name : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Path target = dest.resolve(name);
            if (Files.exists(target)) {
                continue;
            }
            Path gz = mnist.resolve(name + ".gz");
            Path plain = mnist.resolve(name);
            Path tmp = AtomicFiles.tempFile(dest, "." + name + ".", ".part");
            try {
                if (Files.exists(gz)) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz)); OutputStream o = Files.newOutputStream(tmp)) {
                        in.transferTo(o);
                    }
                } else if (Files.exists(plain)) {
                    Files.copy(plain, tmp, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    throw new IOException(mnist + ": " + name + "(.gz) missing; the PyTorch comparison needs the full MNIST files");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        for (String kind : new String[]{"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
            Path alias = dest.resolve("test" + kind);
            if (!Files.exists(alias)) {
                Files.createLink(alias, dest.resolve("t10k" + kind));
            }
        }
        return dest;
    }
}
