package io.github.ark4j.model;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.Locale;

/**
 * How a network is trained: an immutable value with a builder whose defaults are the papers' settings
 * (Papernot et al. 2016: momentum SGD, batch 128, learning rate 0.1 on MNIST, 0.01 halved every 10 epochs on
 * CIFAR-10; see docs/papers.md [1]). DL4J's momentum SGD is Nesterov's, equal to {@code torch.optim.SGD(nesterov=True)}.
 */
public final class TrainingConfig {
    /** The optimiser: the papers' Nesterov momentum SGD, or Adam (β1 0.9, β2 0.999), whose steps do not shrink with T. */
    public enum Optimizer {NESTEROV_SGD, ADAM}

    private final Architecture architecture;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final double momentum;
    private final int halveEveryEpochs;
    private final double temperature;
    private final long seed;

    private TrainingConfig(Builder b) {
        this.architecture = b.architecture;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.halveEveryEpochs = b.halveEveryEpochs;
        this.temperature = b.temperature;
        this.seed = b.seed;
    }

    /** The papers' settings for an architecture. */
    /** A temperature as model file names and logs write it: 20 for a whole number, 2.5 otherwise. */
    public static String temperatureText(double t) {
        return t == Math.rint(t) ? Long.toString((long) t) : Double.toString(t);
    }

    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    public Builder toBuilder() {
        Builder b = new Builder(architecture).epochs(epochs).batchSize(batchSize).learningRate(learningRate).momentum(momentum)
                .halveEveryEpochs(halveEveryEpochs).temperature(temperature).seed(seed);
        b.optimizer = optimizer;
        return b;
    }

    public Architecture architecture() {
        return architecture;
    }

    public int epochs() {
        return epochs;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    /** 0 for a constant learning rate. */
    public int halveEveryEpochs() {
        return halveEveryEpochs;
    }

    /** The softmax temperature of the training loss. */
    public double temperature() {
        return temperature;
    }

    public long seed() {
        return seed;
    }

    /** The DL4J updater these settings describe. */
    public IUpdater updater() {
        if (optimizer == Optimizer.ADAM) {
            return halveEveryEpochs > 0 ? new Adam(new StepSchedule(ScheduleType.EPOCH, learningRate, 0.5, halveEveryEpochs)) : new Adam(learningRate);
        }
        if (halveEveryEpochs > 0) {
            return new Nesterovs(new StepSchedule(ScheduleType.EPOCH, learningRate, 0.5, halveEveryEpochs), momentum);
        }
        return new Nesterovs(learningRate, momentum);
    }

    /** A canonical one-line description; equal configurations give equal strings (the model cache keys on it). */
    public String canonical() {
        return String.format(Locale.ROOT, "arch=%s epochs=%d batch=%d lr=%s momentum=%s halve=%d T=%s seed=%d",
                architecture.cliName(), epochs, batchSize, learningRate, momentum, halveEveryEpochs, temperature, seed)
                + (optimizer == Optimizer.ADAM ? " opt=adam" : "");
    }

    @Override
    public String toString() {
        return canonical();
    }

    public static final class Builder {
        private final Architecture architecture;
        private Optimizer optimizer = Optimizer.NESTEROV_SGD;
        private int epochs;
        private int batchSize = 128;
        private double learningRate;
        private double momentum;
        private int halveEveryEpochs;
        private double temperature = 1;
        private long seed = 1;

        private Builder(Architecture architecture) {
            this.architecture = architecture;
            switch (architecture) {
                case PAPERNOT_MNIST -> {
                    epochs = 50;
                    learningRate = 0.1;
                    momentum = 0.5;
                }
                case PAPERNOT_CIFAR10 -> {
                    epochs = 50;
                    learningRate = 0.01;
                    momentum = 0.9;
                    halveEveryEpochs = 10;
                }
                case LENET5 -> {
                    epochs = 20;
                    learningRate = 0.05;
                    momentum = 0.9;
                }
                case SUBSTITUTE_MLP -> { // per augmentation round, as in the authors' CleverHans tutorial
                    epochs = 10;
                    optimizer = Optimizer.ADAM;
                    learningRate = 1e-3;
                }
            }
        }

        public Builder epochs(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("epochs must be ≥ 1, got " + v);
            }
            epochs = v;
            return this;
        }

        /**
         * Adam at the given learning rate instead of the papers' momentum SGD (momentum is then unused). At a softmax
         * temperature T the loss gradients shrink by 1/T, so SGD at the papers' rate barely moves at T = 100 in a
         * few epochs (measured: loss stuck at ln 10 for 2 epochs); Adam normalises the step size.
         */
        public Builder adam(double learningRate) {
            optimizer = Optimizer.ADAM;
            return learningRate(learningRate);
        }

        public Builder batchSize(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("batchSize must be ≥ 1, got " + v);
            }
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("learningRate must be a positive finite number, got " + v);
            }
            learningRate = v;
            return this;
        }

        public Builder momentum(double v) {
            if (!(v >= 0 && v < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + v);
            }
            momentum = v;
            return this;
        }

        public Builder halveEveryEpochs(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("halveEveryEpochs must be ≥ 0, got " + v);
            }
            halveEveryEpochs = v;
            return this;
        }

        public Builder temperature(double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("temperature must be a positive finite number, got " + v);
            }
            temperature = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(this);
        }
    }
}
