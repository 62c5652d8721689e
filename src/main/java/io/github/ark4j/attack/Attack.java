package io.github.ark4j.attack;

import io.github.ark4j.model.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

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
}
