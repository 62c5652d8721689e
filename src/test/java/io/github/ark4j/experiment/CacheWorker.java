package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.detect.MutantSet;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.Sha256;
import io.github.ark4j.util.StageCache;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of {@link CacheProcessesTest}, in a JVM of its own: trains a small LeNet-5 through the model cache, then
 * computes three stages through the stage cache as the mutation experiment does (an attack's adversarial inputs, the
 * accepted NAI mutants, their label changes), printing "computing X" when a stage is computed rather than read and,
 * at the end, "result" with a SHA-256 of everything it got.
 */
public final class CacheWorker {
    private CacheWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        LabeledImages train = Mnist.load(Mnist.Split.TRAIN).first(2000);
        LabeledImages test = Mnist.load(Mnist.Split.TEST).first(300);
        TrainingConfig config = TrainingConfig.builder(Architecture.LENET5).epochs(4).seed(3).build();
        NetworkClassifier model = new ModelCache(cache).getOrTrain(config, train, test).classifier();
        StageCache stages = new StageCache(cache.resolve("stages"));
        String key = Sha256.of(model.network().params());
        LabeledImages adv = stages.getOrCompute("FGSM-adversarial", key, MutationStageCodecs.ADVERSARIAL, () -> {
            System.out.println("computing FGSM-adversarial");
            AttackResult r = Fgsm.builder().epsilon(0.3).build().run(model, test.features(), test.labels());
            return new LabeledImages("FGSM adversarial", r.adversarial(), test.labels(), test.classes());
        });
        MutantSet mutants = stages.getOrCompute("NAI-mutants", key, MutationStageCodecs.mutantSetCodec(model, ModelMutation.NAI, 0.05), () -> {
            System.out.println("computing NAI-mutants");
            return MutantSet.generate(model, ModelMutation.NAI, 0.05, 20, 400, 0.9, test);
        });
        Map<String, boolean[][]> changes = stages.getOrCompute("NAI-label-changes", key + Arrays.toString(mutants.seeds()),
                MutationStageCodecs.LABEL_CHANGES, () -> {
                    System.out.println("computing NAI-label-changes");
                    Map<String, org.nd4j.linalg.api.ndarray.INDArray> inputs = new LinkedHashMap<>();
                    inputs.put("normal", test.features());
                    inputs.put("FGSM", adv.features());
                    return mutants.labelChanges(inputs, mutants.size());
                });
        StringBuilder all = new StringBuilder(key).append('|').append(Sha256.of(adv.features())).append('|')
                .append(Arrays.toString(mutants.seeds())).append('|').append(Arrays.toString(mutants.accuracies()));
        changes.forEach((group, rows) -> all.append('|').append(group).append('=').append(Arrays.deepToString(rows)));
        System.out.println("result " + Sha256.of(all.toString()));
    }
}
