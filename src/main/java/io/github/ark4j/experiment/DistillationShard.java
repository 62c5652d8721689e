package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.defense.DistillationMetrics;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.ModelCache;
import io.github.ark4j.model.NetworkClassifier;
import io.github.ark4j.model.TrainingConfig;
import io.github.ark4j.util.Sha256;
import io.github.ark4j.util.StageCache;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * One shard of {@link Distillation}'s measurement of one model: JSMA-F and JSMA-Z on {@value #IMAGES} of the correctly
 * classified test images the sweep attacks (the shard-th hundred), and on the first shard also the gradient amplitude
 * and the logits' L1 norm, which the sweep measures on the first 100 attacked images. Each shard is a stage of the
 * model's stage cache: the sweep in one process computes its shards one after the other, {@code reproduce --master}
 * computes them as units on a cluster's executors, and the report reads them back either way.
 *
 * <p>A shard's batches are the batches of the whole measurement ({@value #IMAGES} images: the attacks' batch, {@link
 * DistillationMetrics#ATTACK_BATCH}) and its targets are its slice of the targets drawn for all attacked images, so the
 * shards together are, bit for bit, the measurement of all images at once.
 *
 * @param temperature NaN for the undistilled net, else the temperature of the distilled student
 * @param shard       which hundred of the attacked images, from 0
 */
public record DistillationShard(Profile profile, Dataset dataset, double temperature, int shard) implements Unit {
    /** The attacked images of one shard. */
    static final int IMAGES = DistillationMetrics.ATTACK_BATCH;
    /** The attacked images, from the first, on which the gradient measures are taken. */
    static final int GRADIENT_IMAGES = 100;

    public DistillationShard {
        if (shard < 0) {
            throw new IllegalArgumentException("shard: expected 0 or more, got " + shard);
        }
    }

    /** The shards of one model's measurement at the profile's number of attacked images. */
    static List<Unit> of(Profile profile, Dataset dataset, double temperature) {
        int shards = (profile.sizes(dataset).attackSamples() + IMAGES - 1) / IMAGES;
        return IntStream.range(0, shards).<Unit>mapToObj(s -> new DistillationShard(profile, dataset, temperature, s)).toList();
    }

    /**
     * What one shard measured.
     *
     * @param jsmaFSuccess     per image, whether JSMA-F without a budget reached its target
     * @param jsmaFL0          per image, the features it changed
     * @param features         the features of an image
     * @param jsmaZSuccesses   the images JSMA-Z moved to their target among those it attacked
     * @param jsmaZAttempted   the images JSMA-Z attacked (those the model classified correctly in its batch)
     * @param amplitude        the gradient amplitude of the first shard's images, null on the other shards
     * @param logitL1          the mean L1 norm of the first shard's logits, NaN on the other shards
     */
    record Measured(boolean[] jsmaFSuccess, double[] jsmaFL0, long features, int jsmaZSuccesses, int jsmaZAttempted,
                    DistillationMetrics.Amplitude amplitude, double logitL1) {
    }

    @Override
    public String name() {
        String model = Double.isNaN(temperature) ? "undistilled" : "T=" + TrainingConfig.temperatureText(temperature) + " student";
        return String.format(Locale.ROOT, "distillation-%s %s %s: JSMA-F and JSMA-Z on attacked images %d-%d", dataset.name().toLowerCase(Locale.ROOT),
                profile, model, shard * IMAGES + 1, (shard + 1) * IMAGES);
    }

    /** The measured model's unit. */
    @Override
    public List<Unit> reads() {
        return List.of(model());
    }

    private ModelUnit model() {
        return Double.isNaN(temperature) ? ModelUnit.undistilled(profile, dataset) : ModelUnit.distilled(profile, dataset, temperature);
    }

    @Override
    public void compute(ModelCache cache) throws IOException {
        NetworkClassifier model = Double.isNaN(temperature) ? model().undistilled(cache) : model().distilled(cache).student();
        LabeledImages attacked = Accuracy.correctlyClassified(model, profile.test(dataset), profile.sizes(dataset).attackSamples());
        if (shard * IMAGES < attacked.size()) {
            measure(model, attacked, shard, cache.stages());
        }
    }

    /**
     * Shard {@code shard} of the measurement of {@code model} on {@code attacked} (all the images the sweep attacks, in
     * order), from {@code stages} or computed and kept there.
     */
    static Measured measure(NetworkClassifier model, LabeledImages attacked, int shard, StageCache stages) throws IOException {
        int[] targets = Jsma.randomTargets(attacked.labels(), attacked.classes(), 1);
        int from = shard * IMAGES;
        int to = Math.min(attacked.size(), from + IMAGES);
        if (from >= to) {
            throw new IllegalArgumentException("shard: expected below " + (attacked.size() + IMAGES - 1) / IMAGES + " for " + attacked.size()
                    + " attacked images, got " + shard);
        }
        LabeledImages images = attacked.select(IntStream.range(from, to).toArray());
        int[] shardTargets = Arrays.copyOfRange(targets, from, to);
        boolean gradients = from < GRADIENT_IMAGES;
        String key = Sha256.of(model.network().params()) + "|" + Sha256.of(images.features()) + Arrays.toString(images.labels())
                + Arrays.toString(shardTargets) + "|gradients " + gradients;
        return stages.getOrCompute("distillation-shard", key, CODEC, () -> {
            DistillationMetrics.JsmaF f = DistillationMetrics.jsmaF(model, images, shardTargets);
            AttackResult z = Jsma.builder().build().runInBatches(model, images.features(), images.labels(), shardTargets, IMAGES);
            int zSuccesses = (int) IntStream.range(0, z.size()).filter(i -> z.before()[i] == images.label(i) && z.success()[i]).count();
            DistillationMetrics.Amplitude a = null;
            double logitL1 = Double.NaN;
            if (gradients) {
                LabeledImages g = images.first(Math.min(GRADIENT_IMAGES - from, images.size()));
                a = DistillationMetrics.gradientAmplitude(model, g.features());
                logitL1 = Transforms.abs(model.logits(g.features()), true).sum(1).meanNumber().doubleValue();
            }
            return new Measured(f.success(), f.l0(), images.features().length() / images.size(), zSuccesses, z.attempted(images.labels()), a, logitL1);
        });
    }

    /** Measured as a stage file: the JSMA-F arrays, the JSMA-Z counts, then the gradient measures if any. */
    private static final StageCache.Codec<Measured> CODEC = new StageCache.Codec<>() {
        @Override
        public void write(Measured m, DataOutputStream out) throws IOException {
            out.writeInt(m.jsmaFSuccess().length);
            for (int i = 0; i < m.jsmaFSuccess().length; i++) {
                out.writeBoolean(m.jsmaFSuccess()[i]);
                out.writeDouble(m.jsmaFL0()[i]);
            }
            out.writeLong(m.features());
            out.writeInt(m.jsmaZSuccesses());
            out.writeInt(m.jsmaZAttempted());
            DistillationMetrics.Amplitude a = m.amplitude();
            out.writeBoolean(a != null);
            if (a != null) {
                out.writeInt(a.log10Mean().length);
                for (int i = 0; i < a.log10Mean().length; i++) {
                    out.writeDouble(a.log10Mean()[i]);
                    out.writeDouble(a.float32Mean()[i]);
                }
                out.writeDouble(a.float32ZeroShare());
            }
            out.writeDouble(m.logitL1());
        }

        @Override
        public Measured read(DataInputStream in) throws IOException {
            int n = in.readInt();
            boolean[] success = new boolean[n];
            double[] l0 = new double[n];
            for (int i = 0; i < n; i++) {
                success[i] = in.readBoolean();
                l0[i] = in.readDouble();
            }
            long features = in.readLong();
            int zSuccesses = in.readInt();
            int zAttempted = in.readInt();
            DistillationMetrics.Amplitude a = null;
            if (in.readBoolean()) {
                int g = in.readInt();
                double[] log10 = new double[g];
                double[] f32 = new double[g];
                for (int i = 0; i < g; i++) {
                    log10[i] = in.readDouble();
                    f32[i] = in.readDouble();
                }
                a = new DistillationMetrics.Amplitude(log10, f32, in.readDouble());
            }
            return new Measured(success, l0, features, zSuccesses, zAttempted, a, in.readDouble());
        }
    };
}
