package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An adversarial-example generator. It takes a model, a batch of inputs in [0,1] with their true labels and,
 * for a targeted attack, the target labels (null for untargeted), and returns the adversarial inputs with
 * per-sample success and distortions. Implementations work on whole batches and stop spending work on samples that
 * have already succeeded.
 */
public interface Attack {

    /** A short name with the parameters, e.g. "FGSM(eps=0.3, Linf)". */
    String name();

    /**
     * @param x       inputs [B, C, H, W] in [0,1]
     * @param labels  true classes, one per input
     * @param targets target classes (each different from its label), or null for an untargeted attack
     */
    AttackResult run(Classifier model, INDArray x, int[] labels, int[] targets);

    /** Untargeted run. */
    default AttackResult run(Classifier model, INDArray x, int[] labels) {
        return run(model, x, labels, null);
    }

    /**
     * The same attack over consecutive batches of at most {@code batch} samples, with a progress bar over the samples
     * (long attacks such as an unbounded JSMA on 1,000 CIFAR-10 images otherwise show nothing for many minutes); the
     * results are joined in input order. Each sample's result does not depend on the others in its batch.
     */
    default AttackResult runInBatches(Classifier model, INDArray x, int[] labels, int[] targets, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        // the whole input first: slicing by labels.length would otherwise drop the rows of x beyond it unnoticed
        AttackInputs.validate(model, x, labels, targets);
        List<AttackResult> parts = new ArrayList<>();
        try (Progress p = Progress.start(name(), labels.length, "samples")) {
            for (int i = 0; i < labels.length; i += batch) {
                int j = Math.min(labels.length, i + batch);
                parts.add(run(model, x.get(NDArrayIndex.interval(i, j)).dup(), Arrays.copyOfRange(labels, i, j),
                        targets == null ? null : Arrays.copyOfRange(targets, i, j)));
                p.step(j - i, null);
            }
        }
        return AttackResult.concat(parts);
    }
}
