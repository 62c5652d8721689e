package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.Trainer;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The black-box attack of Papernot, McDaniel, Goodfellow, Jha, Celik, Swami, "Practical Black-Box Attacks against
 * Machine Learning", AsiaCCS 2017 (Algorithm 1). The attacker sees only the oracle's labels Õ(x). Starting from a
 * small seed set S₀ it trains a substitute F on {(x, Õ(x)) : x ∈ S_ρ} and grows the set by Jacobian-based dataset
 * augmentation (Section 4.2, eq. 4, with the periodic step of Section 6):
 * <pre>S_{ρ+1} = S_ρ ∪ { clip₍₀,₁₎( x + λ_ρ · sgn(J_F(x)[Õ(x)]) ) : x ∈ S_ρ },   λ_ρ = λ·(−1)^⌊ρ/τ⌋</pre>
 * where J_F(x)[Õ(x)] is the gradient of the substitute's probability of the oracle's label. Only the new half of
 * each set is sent to the oracle, so ρ rounds cost |S₀|·2^(ρ−1) queries. The adversarial examples are FGSM on the
 * substitute (eq. 1 of the paper, Goodfellow's FGSM), and their success on the oracle is the transfer rate.
 * <p>
 * Defaults are the paper's MNIST set-up: 150 seed images, ρ = 6 substitute training rounds, λ = 0.1, τ = 3, FGSM
 * ε = 0.3; the substitute architecture and its training (two dense ReLU layers of 200, 10 epochs of Adam at 10⁻³ per
 * round, batch 128) follow the authors' CleverHans tutorial. Each round trains the substitute from the same seeded
 * initialisation on the grown set. Reservoir sampling (the paper's query-saving variant) is not implemented.
 */
public final class BlackBoxSubstitute {
    private final Architecture architecture;
    private final int rounds;
    private final double lambda;
    private final int tau;
    private final int epochsPerRound;
    private final double epsilon;
    private final long seed;

    private BlackBoxSubstitute(Builder b) {
        this.architecture = b.architecture;
        this.rounds = b.rounds;
        this.lambda = b.lambda;
        this.tau = b.tau;
        this.epochsPerRound = b.epochsPerRound;
        this.epsilon = b.epsilon;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One substitute training round: the set size it trained on, the oracle queries so far and its wall time. */
    public record Round(int round, int trainingSetSize, int queries, double seconds) {
    }

    /**
     * The step λ_ρ of augmentation round ρ (counted from 0): λ for ρ in [0, τ), −λ in [τ, 2τ), and so on.
     */
    public double stepOfRound(int rho) {
        return (rho / tau) % 2 == 0 ? lambda : -lambda;
    }

    /**
     * Trains the substitute against the oracle from the seed images (the attacker's own unlabelled data, e.g. 150
     * test images not used for evaluation).
     */
    public Substitute train(Classifier oracle, INDArray seedImages) {
        AttackInputs.requireImages("seedImages", seedImages, oracle);
        if (!Arrays.equals(oracle.inputShape(), new long[]{architecture.channels(), architecture.height(), architecture.width()})) {
            throw new IllegalArgumentException("substitute architecture " + architecture.cliName() + " takes inputs "
                    + architecture.channels() + "x" + architecture.height() + "x" + architecture.width() + ", the oracle "
                    + Arrays.toString(oracle.inputShape()));
        }
        INDArray set = seedImages.dup();
        int[] oracleLabels = Accuracy.predictions(oracle, set);
        int queries = oracleLabels.length;
        List<Round> history = new ArrayList<>();
        NetworkClassifier substitute = null;
        TrainingConfig config = TrainingConfig.builder(architecture).epochs(epochsPerRound).seed(seed).build();
        for (int rho = 0; rho < rounds; rho++) {
            long t0 = System.nanoTime();
            try {
                substitute = new Trainer(config).train(set, LabeledImages.oneHot(oracleLabels, oracle.classes()),
                        "oracle-labels-round-" + rho, null, "black-box substitute round " + rho).classifier();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (rho < rounds - 1) {
                INDArray added = augment(substitute, set, oracleLabels, stepOfRound(rho));
                int[] addedLabels = Accuracy.predictions(oracle, added);
                queries += addedLabels.length;
                set = Nd4j.concat(0, set, added);
                int[] all = Arrays.copyOf(oracleLabels, oracleLabels.length + addedLabels.length);
                System.arraycopy(addedLabels, 0, all, oracleLabels.length, addedLabels.length);
                oracleLabels = all;
            }
            Round r = new Round(rho + 1, (int) (rho < rounds - 1 ? set.size(0) / 2 : set.size(0)), queries, (System.nanoTime() - t0) / 1e9);
            history.add(r);
            Progress.log(String.format(Locale.ROOT, "black-box substitute round %d/%d: trained on %d images, %d oracle queries so far, %.1f s",
                    r.round(), rounds, r.trainingSetSize(), r.queries(), r.seconds()));
        }
        return new Substitute(substitute, queries, List.copyOf(history), Fgsm.builder().epsilon(epsilon).build());
    }

    /** The Jacobian-based augmentation of one round: x + λ·sgn(∂F_{Õ(x)}/∂x), clipped, computed batch by batch. */
    INDArray augment(Classifier substitute, INDArray set, int[] oracleLabels, double step) {
        int n = (int) set.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < n; i += Accuracy.BATCH) {
            int m = Math.min(Accuracy.BATCH, n - i);
            INDArray x = set.get(NDArrayIndex.interval(i, i + m));
            INDArray g = substitute.probabilityGradient(x, Arrays.copyOfRange(oracleLabels, i, i + m), 1.0);
            parts.add(Steps.clip(Transforms.sign(g, false).muli(step).addi(x)));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /**
     * A trained substitute, itself an attack on the oracle: {@link #run} crafts FGSM on the substitute and sends each
     * adversarial input to the oracle once (the iterations column counts that query).
     */
    public record Substitute(NetworkClassifier model, int trainingQueries, List<Round> rounds, Fgsm fgsm) implements Attack {

        @Override
        public String name() {
            return String.format(Locale.ROOT, "Black-box substitute (FGSM eps=%s, %d queries)", fgsm.epsilon(), trainingQueries);
        }

        /** Share of the images on which the substitute predicts the oracle's label. */
        public double agreement(Classifier oracle, INDArray x) {
            int[] a = Accuracy.predictions(oracle, x);
            int[] b = Accuracy.predictions(model, x);
            int same = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == b[i]) {
                    same++;
                }
            }
            return same / (double) a.length;
        }

        @Override
        public AttackResult run(Classifier oracle, INDArray x, int[] labels, int[] targets) {
            AttackInputs.validate(oracle, x, labels, targets);
            long t0 = System.nanoTime();
            int[] before = oracle.predict(x);
            INDArray adv = Steps.clip(fgsm.perturbation(model, x, labels, targets).addi(x));
            int[] after = oracle.predict(adv);
            int[] queries = new int[labels.length];
            Arrays.fill(queries, 1);
            return AttackResult.of(name(), x, adv, labels, targets, before, after, queries, (System.nanoTime() - t0) / 1e9);
        }
    }

    public static final class Builder {
        private Architecture architecture = Architecture.SUBSTITUTE_MLP;
        private int rounds = 6;
        private double lambda = 0.1;
        private int tau = 3;
        private int epochsPerRound = 10;
        private double epsilon = 0.3;
        private long seed = 1;

        /** The substitute's architecture (its input shape must be the oracle's). */
        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        /** Substitute training rounds ρ (the paper's 6); the set doubles between rounds. */
        public Builder rounds(int v) {
            rounds = AttackInputs.positive("rounds", v);
            return this;
        }

        /** Augmentation step λ in (0, 1] (the paper's 0.1). */
        public Builder lambda(double v) {
            lambda = AttackInputs.inRange("lambda", v, 0, 1, true);
            return this;
        }

        /** Rounds τ after which the augmentation step changes sign (the paper's 3). */
        public Builder tau(int v) {
            tau = AttackInputs.positive("tau", v);
            return this;
        }

        public Builder epochsPerRound(int v) {
            epochsPerRound = AttackInputs.positive("epochsPerRound", v);
            return this;
        }

        /** FGSM budget ε in [0, 1] on the substitute (the paper's 0.3 on MNIST). */
        public Builder epsilon(double v) {
            epsilon = AttackInputs.inRange("epsilon", v, 0, 1, false);
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public BlackBoxSubstitute build() {
            return new BlackBoxSubstitute(this);
        }
    }
}
