import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Each engine operation's peak resident set in one fresh JVM: CALLS training steps, then as many logit passes and loss
 * input gradients, then a quarter as many 10-class Jacobians, on one batch of 128 random images, the kernel's peak
 * counter reset before each operation (developer tooling: the JVM memory settings compared in docs/performance.md).
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * OMP_NUM_THREADS=2 java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=8g [OPTIONS] \
 *     -cp "target/ark4j.jar:target/lib/*" tools/OperationPeaks.java papernot-cifar10 80
 * </pre>
 */
public class OperationPeaks {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: OperationPeaks MODEL CALLS, e.g. papernot-cifar10 80");
        }
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        Architecture a = Architecture.fromCliName(args[0]);
        int calls = Integer.parseInt(args[1]);
        MultiLayerNetwork net = new MultiLayerNetwork(a.configuration(1, TrainingConfig.builder(a).build().updater(), 1, DataType.FLOAT));
        net.init();
        Engine.defaults().accelerate(net);
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, a.channels(), a.height(), a.width());
        int[] y = new int[128];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % a.classes();
        }
        INDArray labels = LabeledImages.oneHot(y, a.classes());
        NetworkClassifier c = new NetworkClassifier(net, a);
        StringBuilder out = new StringBuilder(a.cliName());
        for (String op : new String[]{"train", "infer", "grad", "jacobian"}) {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            int n = op.equals("jacobian") ? Math.max(1, calls / 4) : calls;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                switch (op) {
                    case "train" -> Engine.defaults().fit(net, new DataSet(x, labels));
                    case "infer" -> c.logits(x);
                    case "grad" -> c.lossGradient(x, labels, 1);
                    default -> c.logitJacobian(x);
                }
            }
            long peakKb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D+", ""))).findFirst().orElse(-1);
            out.append(String.format(Locale.ROOT, "; %s %d MiB, %.1f ms per call", op, peakKb / 1024, (System.nanoTime() - t0) / 1e6 / n));
        }
        System.out.println(out);
    }
}
