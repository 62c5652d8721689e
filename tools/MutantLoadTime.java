import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.MutationDetection;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.model.NetworkClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.LongStream;

/**
 * Milliseconds to load a model mutant of the full profile's CIFAR-10 net (rate 0.005) and to label 200 test images with
 * it (loading included), per operator, over 20 mutants, two rounds (developer tooling: the figures in
 * docs/performance.md, "Mutation testing"). Needs the full CIFAR-10 data; the 50-epoch net ships in {@code models/}.
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * ARK4J_DATA=DIR OMP_NUM_THREADS=2 java -Xmx3g -Xmn8m -cp "target/ark4j.jar:target/lib/*" tools/MutantLoadTime.java
 * </pre>
 */
public class MutantLoadTime {
    private static final int MUTANTS = 20;
    private static final int INPUTS = 200;

    public static void main(String[] args) throws Exception {
        MutationDetection experiment = new MutationDetection(Dataset.CIFAR10);
        NetworkClassifier model = experiment.model(Profile.FULL);
        INDArray x = Profile.FULL.test(Dataset.CIFAR10).first(INPUTS).features();
        long[] seeds = LongStream.range(0, MUTANTS).toArray();
        System.out.println("| round | operator | load (ms) | label " + INPUTS + " inputs, load included (ms) |\n|---|---|---|---|");
        for (int round = 1; round <= 2; round++) {
            for (ModelMutation op : ModelMutation.values()) {
                MutantSet set = MutantSet.of(model, op, experiment.rate(), seeds, new double[MUTANTS], Double.NaN, MUTANTS);
                long t0 = System.nanoTime();
                for (int i = 0; i < MUTANTS; i++) {
                    set.mutant(i);
                }
                long t1 = System.nanoTime();
                IntFunction<int[]> labels = set.labeller(x);
                long t2 = System.nanoTime();
                for (int i = 0; i < MUTANTS; i++) {
                    labels.apply(i);
                }
                long t3 = System.nanoTime();
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f |%n", round, op, (t1 - t0) / 1e6 / MUTANTS, (t3 - t2) / 1e6 / MUTANTS);
            }
        }
    }
}
