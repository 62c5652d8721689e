package io.github.ark4j.defense;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.ModelFile;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TemperatureCrossEntropy;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.util.Locale;

/**
 * Defensive distillation (Papernot, McDaniel, Wu, Jha, Swami, "Distillation as a Defense to Adversarial
 * Perturbations against Deep Neural Networks", IEEE S&P 2016, Section IV; docs/papers.md [1]).
 * <ol>
 *   <li>Train a teacher F on hard labels with the softmax at temperature T (eq. 5: F_i(X) = e^{z_i/T} / Σ_l e^{z_l/T}).</li>
 *   <li>Soft labels: Y_soft = F(X) at temperature T on the training set.</li>
 *   <li>Train a student F^d of the same architecture on (X, Y_soft), again at temperature T.</li>
 *   <li>Deploy F^d at T = 1: its logits are unchanged, its softmax is computed at 1 (Section IV.C), which saturates it
 *       and shrinks the adversarial gradients ∂F/∂X by a factor of about 1/T (Section V, eq. 7).</li>
 * </ol>
 * Teacher and student share their initialisation (same seed), and both go through the model cache: the student's key
 * includes the teacher's file so a new teacher means a new student. Default optimiser: Adam at 1e-3 rather than the
 * paper's momentum SGD, because at temperature T the loss gradients shrink by 1/T and SGD at the paper's rate makes no
 * progress at T = 100 within the few epochs the kit can afford (measured on 6,000 MNIST images: loss stuck at ln 10,
 * 12.6% accuracy after 2 epochs, divergence at lr × T; Adam: 96.5% after 8 epochs). {@link Builder#paperSgd()}
 * restores the paper's optimiser for runs with its 50 epochs.
 */
public final class DefensiveDistillation {
    /** Teacher and student: same architecture, temperature, epochs and seed (shared initialisation). */
    private final TrainingConfig config;
    private final ModelCache cache;

    /** The trained pair; use {@link #student()} at T = 1 as the defended model. */
    public record Models(NetworkClassifier teacher, NetworkClassifier student, ModelFile.Loaded teacherFile, ModelFile.Loaded studentFile) {
    }

    private DefensiveDistillation(Builder b) {
        TrainingConfig.Builder t = TrainingConfig.builder(b.architecture).temperature(b.temperature).seed(b.seed);
        if (b.optimizer == TrainingConfig.Optimizer.ADAM) {
            t.adam(b.learningRate);
        } else if (b.learningRate > 0) {
            t.learningRate(b.learningRate);
        }
        if (b.epochs > 0) {
            t.epochs(b.epochs);
        }
        this.config = t.build();
        this.cache = b.cache;
    }

    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    public double temperature() {
        return config.temperature();
    }

    /** Trains (or loads) the teacher, labels the training set with it at T, and trains (or loads) the student. */
    public Models train(LabeledImages train, LabeledImages test) throws IOException {
        // hashed once: the fingerprint reads every pixel (600 MB for CIFAR-10) and keys teacher and student alike
        String data = train.fingerprint();
        ModelFile.Loaded teacher = cache.getOrTrain(config, train.features(), train::oneHot, train.name(), data, test, "");
        String teacherKey = cache.pathFor(config, data, "").getFileName().toString();
        String extra = "distilled from " + teacherKey;
        ModelFile.Loaded student = cache.getOrTrain(config, train.features(), () -> {
            Progress.log(String.format(Locale.ROOT, "ark4j: soft labels of the T=%s teacher on %d images", TrainingConfig.temperatureText(temperature()), train.size()));
            return softLabels(teacher.classifier(), train.features(), temperature());
        }, train.name() + " soft labels T=" + TrainingConfig.temperatureText(temperature()), data + "|soft", test, extra);
        return new Models(teacher.classifier(), student.classifier(), teacher, student);
    }

    /** F(X) at temperature T, batch by batch: the soft labels of step 2. */
    public static INDArray softLabels(Classifier teacher, INDArray x, double temperature) {
        long n = x.size(0);
        int batch = 500;
        INDArray out = null;
        for (long i = 0; i < n; i += batch) {
            long j = Math.min(n, i + batch);
            INDArray p = TemperatureCrossEntropy.softmax(teacher.logits(x.get(NDArrayIndex.interval(i, j))), temperature);
            if (out == null) {
                out = Nd4j.create(p.dataType(), n, p.size(1));
            }
            out.get(NDArrayIndex.interval(i, j), NDArrayIndex.all()).assign(p);
        }
        return out;
    }


    /** Temperature, epochs, seed and cache; the paper's optimiser settings otherwise. */
    public static final class Builder {
        private final Architecture architecture;
        private double temperature = 100;
        private int epochs;
        private long seed = 1;
        private TrainingConfig.Optimizer optimizer = TrainingConfig.Optimizer.ADAM;
        private double learningRate = 1e-3;
        private ModelCache cache = ModelCache.standard();

        private Builder(Architecture architecture) {
            this.architecture = architecture;
        }

        /** The distillation temperature T (default 100, the paper's strongest setting), > 0. */
        public Builder temperature(double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("temperature must be a finite number > 0, got " + v);
            }
            temperature = v;
            return this;
        }

        /** Epochs of teacher and student each (default: the architecture's, 50 for the Papernot nets). */
        public Builder epochs(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("epochs must be ≥ 1, got " + v);
            }
            epochs = v;
            return this;
        }

        /** Seed of both initialisations (shared: teacher and student start from the same weights) and data order. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Adam at this learning rate (the default, at 1e-3). */
        public Builder adam(double learningRate) {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a positive finite number, got " + learningRate);
            }
            this.optimizer = TrainingConfig.Optimizer.ADAM;
            this.learningRate = learningRate;
            return this;
        }

        /** The paper's momentum SGD with the architecture's learning rate and momentum. */
        public Builder paperSgd() {
            this.optimizer = TrainingConfig.Optimizer.NESTEROV_SGD;
            this.learningRate = 0;
            return this;
        }

        public Builder cache(ModelCache v) {
            cache = v;
            return this;
        }

        public DefensiveDistillation build() {
            return new DefensiveDistillation(this);
        }
    }
}
