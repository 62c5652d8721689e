import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.detect.Mutants;
import io.github.ark4j.detect.Roc;
import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.MutationDetection;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.NetworkClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Label change rates and AUROC of FGSM samples at several steps ε under each model-mutation operator, on the full
 * profile's model of the mutation-detection experiment (docs/known-differences.md, "Mutation detection: the FGSM step").
 * Developer tooling, run from a built checkout with the full datasets:
 *
 * <pre>ARK4J_DATA=DIR java -Xmx8g -cp "target/ark4j.jar:target/lib/*" tools/FgsmStepLcr.java MNIST 100 0.35 0.1078</pre>
 *
 * Arguments: the dataset (MNIST or CIFAR10), accepted mutants per operator, then the steps. Normal group: the first
 * 1,000 correctly classified test images; FGSM seeds: the next 4,000, of whose successful samples the first 1,000 count.
 */
public class FgsmStepLcr {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: FgsmStepLcr MNIST|CIFAR10 MUTANTS EPSILON...");
        }
        Dataset dataset = Dataset.valueOf(args[0]);
        int mutants = Integer.parseInt(args[1]);
        MutationDetection experiment = new MutationDetection(dataset);
        NetworkClassifier model = experiment.model(Profile.FULL);
        LabeledImages test = Profile.FULL.test(dataset);
        int[] predicted = Accuracy.predictions(model, test.features());
        int[] correct = IntStream.range(0, test.size()).filter(i -> predicted[i] == test.label(i)).toArray();
        LabeledImages seeds = test.select(Arrays.copyOfRange(correct, 1000, 5000));
        Map<String, INDArray> groups = new LinkedHashMap<>();
        groups.put("normal", test.select(Arrays.copyOfRange(correct, 0, 1000)).features());
        for (int i = 2; i < args.length; i++) {
            AttackResult r = Fgsm.builder().epsilon(Double.parseDouble(args[i])).build().runInBatches(model, seeds.features(), seeds.labels(), null, 500);
            int[] ok = IntStream.range(0, r.size()).filter(j -> r.success()[j]).limit(1000).toArray();
            groups.put("FGSM eps " + args[i], new LabeledImages("FGSM", r.adversarial(), seeds.labels(), seeds.classes()).select(ok).features());
        }
        for (ModelMutation op : ModelMutation.values()) {
            MutantSet set = MutantSet.generate(model, op, experiment.rate(), mutants, 20 * mutants, 0.9, test.first(1000));
            Map<String, boolean[][]> changes = set.labelChanges(groups, mutants);
            double[] normal = Mutants.rates(changes.get("normal"));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s, %d mutants: normal LCR %.2f%%", dataset, op, set.size(),
                    100 * Arrays.stream(normal).average().orElse(0)));
            groups.keySet().stream().filter(g -> !g.equals("normal")).forEach(g -> {
                double[] lcr = Mutants.rates(changes.get(g));
                line.append(String.format(Locale.ROOT, " | %s: N %d, LCR %.2f%%, AUROC %.4f", g, lcr.length,
                        100 * Arrays.stream(lcr).average().orElse(0), Roc.auc(lcr, normal)));
            });
            System.out.println(line);
        }
    }
}
