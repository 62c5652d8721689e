package io.github.ark4j.course;

import io.github.ark4j.attack.CarliniWagnerL2;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.Sprt;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.model.LinearSoftmax;
import io.github.ark4j.model.TemperatureCrossEntropy;
import io.github.ark4j.perturb.NaturalPerturbation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The checks of the notebooks' exercises. Each runs the student's function and the library's reference on the same
 * fixed inputs (real MNIST test images, seeded linear softmax models whose gradients are known in closed form, seeded
 * sequences) and returns a {@link CheckResult}: a pass says what was compared, a failure names the first input where
 * the two differ, the expected and the computed value, and where it helps, the usual cause.
 *
 * <p>A notebook calls a check with a lambda around the function the student wrote, e.g.
 * {@code Checks.fgsmStep((x, g, eps) -> fgsmStep(x, g, eps)).show();}. An exception thrown by the student's code
 * (the stubs throw {@link UnsupportedOperationException}) is a failure, not an error of the check.
 */
public final class Checks {
    private static final long SEED = 20_16;

    /** The FGSM step of notebook 01: x' = clip₍₀,₁₎(x + ε·sign(g)). */
    @FunctionalInterface
    public interface FgsmStep {
        INDArray apply(INDArray x, INDArray gradient, double epsilon);
    }

    /** JSMA's choice of the best admissible pixel pair of one iteration (notebook 02), or null when none is admissible. */
    @FunctionalInterface
    public interface PairChoice {
        int[] bestPair(float[] alpha, float[] beta, boolean[] domain);
    }

    /** softmax(Z/T) row by row (notebook 03). */
    @FunctionalInterface
    public interface TemperatureSoftmax {
        INDArray apply(INDArray logits, double temperature);
    }

    /** ∂L/∂Z of the cross-entropy at temperature T against soft labels (notebook 04). */
    @FunctionalInterface
    public interface DistillationGradient {
        INDArray apply(INDArray logits, INDArray softLabels, double temperature);
    }

    /** C&amp;W's objective ‖x' − x‖₂² + c·f(x') of one image in tanh space (notebook 05). */
    @FunctionalInterface
    public interface CarliniWagnerObjective {
        double apply(Classifier model, INDArray w, INDArray x, int target, double c, double kappa);
    }

    /** The SPRT's decision for one input from its sequence of label changes under mutants (notebook 06). */
    @FunctionalInterface
    public interface SprtDecision {
        Sprt.Decision apply(boolean[] labelChanged, double rhoNr, double mu);
    }

    /** Neuron activation inversion of one neuron of a dense layer, in place (notebook 07). */
    @FunctionalInterface
    public interface NeuronInversion {
        void apply(INDArray weights, INDArray bias, int neuron);
    }

    /** A contrast change of each image about its own mean pixel value, clipped to [0, 1] (notebook 08). */
    @FunctionalInterface
    public interface Contrast {
        INDArray apply(INDArray x, double factor);
    }

    private Checks() {
    }

    /** Thrown when the student's function throws, so that a check can tell it apart from a mismatch. */
    private static final class StudentFailure extends RuntimeException {
        StudentFailure(Throwable cause) {
            super(cause);
        }
    }

    private static <T> T call(Supplier<T> studentCode) {
        try {
            return studentCode.get();
        } catch (Throwable t) {
            throw new StudentFailure(t);
        }
    }

    /** Runs a check body, turning an exception of the student's code into a failure that names it. */
    private static CheckResult run(String exercise, Supplier<CheckResult> body) {
        try {
            return body.get();
        } catch (StudentFailure f) {
            Throwable t = f.getCause();
            return CheckResult.fail(exercise, "your function threw " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
    }

    /**
     * Exercise {@code fgsm-step} (notebook 01): on 64 MNIST test images, the loss gradient of a linear softmax model
     * (exactly zero on a tenth of the pixels) and ε ∈ {0.1, 0.3}, the student's step must equal {@link Fgsm#apply}.
     */
    public static CheckResult fgsmStep(FgsmStep student) {
        String exercise = "fgsm-step";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(64);
            INDArray x = images.features();
            LinearSoftmax model = CheckData.linear(Arrays.copyOfRange(x.shape(), 1, 4), 10, SEED);
            INDArray g = model.lossGradient(x, images.oneHot(), 1).castTo(x.dataType());
            for (double eps : new double[]{0.1, 0.3}) {
                INDArray expected = Fgsm.builder().epsilon(eps).build().apply(x, g);
                INDArray got = call(() -> student.apply(x.dup(), g.dup(), eps));
                String mismatch = compare(expected, got, 1e-6, i -> {
                    double xi = x.reshape(-1).getDouble(i);
                    double gi = g.reshape(-1).getDouble(i);
                    double moved = xi + eps * Math.signum(gi);
                    String hint = gi == 0 ? " The gradient is exactly 0 there, and sign(0) = 0: the pixel must not move."
                            : moved > 1 || moved < 0 ? " Clip the result to [0, 1]." : "";
                    return pixel(x, i) + String.format(Locale.ROOT, " (x = %s, gradient = %s, ε = %s)", fmt(xi), fmt(gi), eps) + "|" + hint;
                });
                if (mismatch != null) {
                    return CheckResult.fail(exercise, mismatch);
                }
            }
            return CheckResult.pass(exercise, "your step equals the library's on 64 MNIST test images at ε = 0.1 and 0.3");
        });
    }

    /**
     * Exercise {@code jsma-pair} (notebook 02): for 16 MNIST test images and a target per image, α and β of a linear
     * model's logits (θ = +1, the domain the pixels below 1), and for a case where no pair is admissible, the student's
     * pair must reach the largest admissible score −α·β that {@link Jsma#bestPair} reaches (ties may be broken either way).
     */
    public static CheckResult jsmaPair(PairChoice student) {
        String exercise = "jsma-pair";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(16);
            LinearSoftmax model = CheckData.linear(Arrays.copyOfRange(images.features().shape(), 1, 4), 10, SEED + 1);
            Jsma jsma = Jsma.builder().build();
            int[] targets = Jsma.randomTargets(images.labels(), 10, SEED);
            INDArray[] alphaBeta = jsma.alphaBeta(model, images.features(), targets);
            float[][] alpha = rows(alphaBeta[0]);
            float[][] beta = rows(alphaBeta[1]);
            float[][] pixels = rows(images.features());
            for (int i = 0; i <= images.size(); i++) {
                // the last case: every α negative, so no pair is admissible and the answer is null
                boolean none = i == images.size();
                float[] a = none ? negativeCopy(alpha[0]) : alpha[i];
                float[] b = none ? beta[0] : beta[i];
                float[] p = none ? pixels[0] : pixels[i];
                boolean[] domain = new boolean[a.length];
                for (int f = 0; f < a.length; f++) {
                    domain[f] = p[f] < 1f;
                }
                String which = none ? "a case where every α is negative (no admissible pair)"
                        : "image " + i + " (label " + images.label(i) + ") towards target " + targets[i];
                int[] expected = jsma.bestPair(a, b, domain);
                int[] got = call(() -> student.bestPair(a.clone(), b.clone(), domain.clone()));
                String mismatch = pairMismatch(expected, got, a, b, domain);
                if (mismatch != null) {
                    return CheckResult.fail(exercise, which + ": " + mismatch);
                }
            }
            return CheckResult.pass(exercise, "your pair reaches the best admissible saliency on 16 MNIST test images, and you return null when no pair is admissible");
        });
    }

    private static String pairMismatch(int[] expected, int[] got, float[] a, float[] b, boolean[] domain) {
        if (expected == null) {
            return got == null ? null : "no pair is admissible (α sum > 0 and β sum < 0 nowhere), so expected null, got " + Arrays.toString(got);
        }
        String best = String.format(Locale.ROOT, "expected pair %s with saliency −α·β = %s (α sum %s, β sum %s)", Arrays.toString(expected),
                fmt(score(expected, a, b)), fmt(a[expected[0]] + a[expected[1]]), fmt(b[expected[0]] + b[expected[1]]));
        if (got == null) {
            return best + ", got null";
        }
        if (got.length != 2 || got[0] == got[1] || got[0] < 0 || got[1] < 0 || got[0] >= a.length || got[1] >= a.length) {
            return best + ", got " + Arrays.toString(got) + ", which is not a pair of two different features";
        }
        if (!domain[got[0]] || !domain[got[1]]) {
            return best + ", got " + Arrays.toString(got) + ", which uses a feature outside the search domain (a pixel already at 1)";
        }
        double sa = a[got[0]] + a[got[1]];
        double sb = b[got[0]] + b[got[1]];
        if (!(sa > 0 && sb < 0)) {
            return best + String.format(Locale.ROOT, ", got %s, which is not admissible (α sum %s, β sum %s: need α > 0 and β < 0)",
                    Arrays.toString(got), fmt(sa), fmt(sb));
        }
        double want = score(expected, a, b);
        double have = score(got, a, b);
        if (have < want * (1 - 1e-6)) {
            return best + String.format(Locale.ROOT, ", got %s with the smaller saliency %s", Arrays.toString(got), fmt(have));
        }
        return null;
    }

    private static double score(int[] pair, float[] a, float[] b) {
        return -((double) a[pair[0]] + a[pair[1]]) * ((double) b[pair[0]] + b[pair[1]]);
    }

    private static float[] negativeCopy(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -Math.abs(v[i]) - 1e-3f;
        }
        return out;
    }

    /**
     * Exercise {@code temperature-softmax} (notebook 03): on the logits of a linear model for 32 MNIST test images,
     * scaled by 1, 100 and 1,000 (the size of a distilled network's logits), at T ∈ {1, 20, 100}, the student's
     * softmax must equal {@link TemperatureCrossEntropy#softmax} to 1e-6.
     */
    public static CheckResult temperatureSoftmax(TemperatureSoftmax student) {
        String exercise = "temperature-softmax";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(32);
            INDArray z0 = CheckData.logits(CheckData.linear(Arrays.copyOfRange(images.features().shape(), 1, 4), 10, SEED + 2), images);
            for (double scale : new double[]{1, 100, 1000}) {
                INDArray z = z0.mul(scale);
                for (double t : new double[]{1, 20, 100}) {
                    INDArray expected = TemperatureCrossEntropy.softmax(z, t);
                    INDArray got = call(() -> student.apply(z.dup(), t));
                    String mismatch = compare(expected, got, 1e-6, i -> String.format(Locale.ROOT, "%s at T = %s (logits of size up to %s)", rowClass(z, i), t,
                            fmt(Transforms.abs(z.getRow(i / z.size(1))).maxNumber().doubleValue())) + "|"
                            + (scale > 1 && t == 1 ? " exp(Z/T) overflows for large logits: subtract each row's maximum of Z/T first." : ""));
                    if (mismatch != null) {
                        return CheckResult.fail(exercise, mismatch);
                    }
                }
            }
            return CheckResult.pass(exercise, "your softmax equals the library's on 32 images' logits at three scales and T = 1, 20, 100");
        });
    }

    /**
     * Exercise {@code distillation-gradient} (notebook 04): the student's ∂L/∂Z for soft labels from a teacher (a
     * second linear model at the same T) must equal the gradient of {@link TemperatureCrossEntropy} on 32 MNIST test
     * images at T ∈ {1, 20, 100}.
     */
    public static CheckResult distillationGradient(DistillationGradient student) {
        String exercise = "distillation-gradient";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(32);
            long[] shape = Arrays.copyOfRange(images.features().shape(), 1, 4);
            INDArray z = CheckData.logits(CheckData.linear(shape, 10, SEED + 3), images).muli(20);
            INDArray teacher = CheckData.logits(CheckData.linear(shape, 10, SEED + 4), images).muli(20);
            for (double t : new double[]{1, 20, 100}) {
                INDArray soft = TemperatureCrossEntropy.softmax(teacher, t);
                INDArray expected = new TemperatureCrossEntropy(t).computeGradient(soft, z, new ActivationIdentity(), null);
                INDArray got = call(() -> student.apply(z.dup(), soft.dup(), t));
                String mismatch = compare(expected, got, 1e-6, i -> rowClass(z, i) + " at T = " + t + "|" + ratioHint(expected, got, i, t));
                if (mismatch != null) {
                    return CheckResult.fail(exercise, mismatch);
                }
            }
            return CheckResult.pass(exercise, "your gradient equals the library's on 32 images with a teacher's soft labels at T = 1, 20, 100");
        });
    }

    private static String ratioHint(INDArray expected, INDArray got, long i, double t) {
        if (got == null || !Arrays.equals(expected.shape(), got.shape()) || t == 1) {
            return "";
        }
        double e = expected.reshape(-1).getDouble(i);
        double g = got.reshape(-1).getDouble(i);
        if (Math.abs(g - e * t) <= 1e-6 * Math.abs(e * t)) {
            return " Yours is T times too large: the 1/T of ∂(Z/T)/∂Z is missing.";
        }
        if (Math.abs(g * t - e) <= 1e-6 * Math.abs(e)) {
            return " Yours is T times too small: divide by T once.";
        }
        return "";
    }

    /**
     * Exercise {@code cw-objective} (notebook 05): for 4 MNIST test images, w near atanh(2x − 1), targets, c ∈ {0.01,
     * 1, 10} and κ ∈ {0, 5}, the student's objective on a linear model must equal {@link CarliniWagnerL2#objective}
     * to 1e-5 relative.
     */
    public static CheckResult carliniWagnerObjective(CarliniWagnerObjective student) {
        String exercise = "cw-objective";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(4);
            INDArray x = images.features();
            LinearSoftmax model = CheckData.linear(Arrays.copyOfRange(x.shape(), 1, 4), 10, SEED + 5);
            Nd4j.getRandom().setSeed(SEED);
            INDArray w = Transforms.atanh(x.castTo(DataType.DOUBLE).mul(2).subi(1).muli(1 - 1e-6), true)
                    .addi(Nd4j.randn(DataType.DOUBLE, x.shape()).muli(0.5));
            int[] targets = Jsma.randomTargets(images.labels(), 10, SEED);
            for (int i = 0; i < images.size(); i++) {
                INDArray xi = x.get(NDArrayIndex.interval(i, i + 1)).dup();
                INDArray wi = w.get(NDArrayIndex.interval(i, i + 1)).dup();
                for (double c : new double[]{0.01, 1, 10}) {
                    for (double kappa : new double[]{0, 5}) {
                        double expected = CarliniWagnerL2.objective(model, wi, xi, new int[]{targets[i]}, new double[]{c}, kappa)[0];
                        int target = targets[i];
                        double got = call(() -> student.apply(model, wi.dup(), xi.dup(), target, c, kappa));
                        if (!(Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected)))) {
                            // the distance term alone (c = 0), to show the objective's two parts
                            double l2 = CarliniWagnerL2.objective(model, wi, xi, new int[]{target}, new double[]{0}, kappa)[0];
                            return CheckResult.fail(exercise, String.format(Locale.ROOT,
                                    "image %d (label %d) towards target %d, c = %s, κ = %s: expected %s (‖x' − x‖₂² = %s plus c·f = %s), got %s.%s",
                                    i, images.label(i), target, c, kappa, fmt(expected), fmt(l2), fmt(expected - l2), fmt(got),
                                    Math.abs(got - l2) <= 1e-5 * Math.max(1, l2) ? " Yours is the distance term alone: add c·f(x')." : ""));
                        }
                    }
                }
            }
            return CheckResult.pass(exercise, "your objective equals the library's on 4 MNIST test images for c = 0.01, 1, 10 and κ = 0, 5");
        });
    }

    /**
     * Exercise {@code sprt-decision} (notebook 06): on 120 seeded sequences of label changes (change probabilities
     * below, at and above the threshold, ρ_nr ∈ {0.01, 0.05, 0.1}, μ ∈ {1.2, 2}), the student's decision must be the
     * one {@link Sprt#forNormalRate} reaches at the first mutant where it decides.
     */
    public static CheckResult sprtDecision(SprtDecision student) {
        String exercise = "sprt-decision";
        return run(exercise, () -> {
            SplittableRandom rng = new SplittableRandom(SEED);
            int cases = 0;
            for (double rhoNr : new double[]{0.01, 0.05, 0.1}) {
                for (double mu : new double[]{1.2, 2}) {
                    Sprt sprt = Sprt.forNormalRate(rhoNr, mu);
                    for (double factor : new double[]{0, 0.5, 1, 1.5, 3}) {
                        for (int length : new int[]{10, 60, 200, 500}) {
                            double p = Math.min(1, factor * mu * rhoNr);
                            boolean[] changed = new boolean[length];
                            for (int k = 0; k < length; k++) {
                                changed[k] = rng.nextDouble() < p;
                            }
                            int[] at = new int[1];
                            Sprt.Decision expected = sequential(sprt, changed, at);
                            Sprt.Decision got = call(() -> student.apply(changed.clone(), rhoNr, mu));
                            cases++;
                            if (got != expected) {
                                int z = 0;
                                for (int k = 0; k < at[0]; k++) {
                                    z += changed[k] ? 1 : 0;
                                }
                                String when = expected == Sprt.Decision.UNDECIDED
                                        ? "no decision within the " + length + " mutants (log-likelihood ratio " + fmt(sprt.llr(count(changed), length)) + " at the end)"
                                        : String.format(Locale.ROOT, "%s after %d mutants (%d label changes, log-likelihood ratio %s)", expected, at[0], z, fmt(sprt.llr(z, at[0])));
                                return CheckResult.fail(exercise, String.format(Locale.ROOT,
                                        "sequence of %d mutants with %d label changes, ρ_nr = %s, μ = %s (p0 = %s, p1 = %s, thresholds ln(β/(1−α)) = %s and ln((1−β)/α) = %s): expected %s, got %s.%s",
                                        length, count(changed), rhoNr, mu, fmt(sprt.p0()), fmt(sprt.p1()), fmt(Math.log(0.05 / 0.95)), fmt(Math.log(0.95 / 0.05)),
                                        when, got, expected != Sprt.Decision.UNDECIDED
                                                ? " The test stops at the first mutant where the ratio crosses a threshold; later mutants are not used."
                                                : " The ratio crosses neither threshold within the sequence."));
                            }
                        }
                    }
                }
            }
            return CheckResult.pass(exercise, "your decision equals the sequential test's on " + cases + " seeded sequences of label changes");
        });
    }

    private static Sprt.Decision sequential(Sprt sprt, boolean[] changed, int[] at) {
        int z = 0;
        for (int n = 1; n <= changed.length; n++) {
            z += changed[n - 1] ? 1 : 0;
            Sprt.Decision d = sprt.decide(z, n);
            if (d != Sprt.Decision.UNDECIDED) {
                at[0] = n;
                return d;
            }
        }
        at[0] = changed.length;
        return Sprt.Decision.UNDECIDED;
    }

    private static int count(boolean[] v) {
        int c = 0;
        for (boolean b : v) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /**
     * Exercise {@code nai-neuron} (notebook 07): on the dense layer of a linear model in DL4J's layout (W [n_in, n_out],
     * b [1, n_out]), inverting neuron k must negate its pre-activation x·W + b on 32 MNIST test images and leave every
     * other neuron's unchanged, for k ∈ {0, 3, 9}.
     */
    public static CheckResult neuronInversion(NeuronInversion student) {
        String exercise = "nai-neuron";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(32);
            LinearSoftmax model = CheckData.linear(Arrays.copyOfRange(images.features().shape(), 1, 4), 10, SEED + 6);
            INDArray weights = model.w.transpose().castTo(DataType.FLOAT).dup('c');
            INDArray bias = model.b.reshape(1, -1).castTo(DataType.FLOAT).dup('c');
            INDArray x = images.features().reshape(images.size(), -1);
            INDArray before = x.mmul(weights).addiRowVector(bias);
            for (int k : new int[]{0, 3, 9}) {
                INDArray w = weights.dup();
                INDArray b = bias.dup();
                int neuron = k;
                call(() -> {
                    student.apply(w, b, neuron);
                    return null;
                });
                INDArray expected = before.dup();
                expected.getColumn(k).negi();
                INDArray after = x.mmul(w).addiRowVector(b);
                String mismatch = compare(expected, after, 1e-5, i -> {
                    long cls = i % expected.size(1);
                    return "image " + i / expected.size(1) + ", pre-activation of neuron " + cls + " after inverting neuron " + neuron + "|"
                            + (cls == neuron ? " Multiply the neuron's incoming weights (column " + neuron + " of W) and its bias by −1."
                            : " Only neuron " + neuron + " may change.");
                });
                if (mismatch != null) {
                    return CheckResult.fail(exercise, mismatch);
                }
            }
            return CheckResult.pass(exercise, "inverting neurons 0, 3 and 9 negates exactly their pre-activations on 32 MNIST test images");
        });
    }

    /**
     * Exercise {@code contrast} (notebook 08): on 32 MNIST test images and factors {0, 0.5, 2, 4}, the student's
     * contrast change must equal {@link NaturalPerturbation#CONTRAST} to 1e-5.
     */
    public static CheckResult contrast(Contrast student) {
        String exercise = "contrast";
        return run(exercise, () -> {
            LabeledImages images = CheckData.mnist(32);
            INDArray x = images.features();
            for (double factor : new double[]{0, 0.5, 2, 4}) {
                INDArray expected = NaturalPerturbation.CONTRAST.apply(x, factor, 0);
                INDArray got = call(() -> student.apply(x.dup(), factor));
                String mismatch = compare(expected, got, 1e-5, i -> {
                    long image = i / (x.length() / x.size(0));
                    return pixel(x, i) + String.format(Locale.ROOT, " at factor %s (the image's mean pixel value is %s)", factor,
                            fmt(x.get(NDArrayIndex.point(image)).meanNumber().doubleValue())) + "|";
                });
                if (mismatch != null) {
                    return CheckResult.fail(exercise, mismatch);
                }
            }
            return CheckResult.pass(exercise, "your contrast change equals the library's on 32 MNIST test images at factors 0, 0.5, 2 and 4");
        });
    }

    /**
     * The first element where {@code got} differs from {@code expected} by more than tol·max(1, |expected|), in words,
     * or null when they agree. {@code where} describes a flat index as "location|hint" (the hint may be empty).
     */
    static String compare(INDArray expected, INDArray got, double tol, LongFunction<String> where) {
        if (got == null) {
            return "your function returned null; expected an array of shape " + Arrays.toString(expected.shape());
        }
        if (!Arrays.equals(expected.shape(), got.shape())) {
            return "your function returned an array of shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').reshape(expected.length()).toDoubleVector();
        double[] g = got.castTo(DataType.DOUBLE).dup('c').reshape(got.length()).toDoubleVector();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - g[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
                String[] parts = where.apply(i).split("\\|", 2);
                return parts[0] + ": expected " + fmt(e[i]) + ", got " + fmt(g[i]) + "." + (parts.length > 1 ? parts[1] : "");
            }
        }
        return null;
    }

    /** "image 3 (channel 1,) pixel (row 12, column 5)" for a flat index into a batch of images [B, C, H, W]. */
    private static String pixel(INDArray x, long flat) {
        long h = x.size(2);
        long w = x.size(3);
        long c = x.size(1);
        long image = flat / (c * h * w);
        long rest = flat % (c * h * w);
        return "image " + image + (c > 1 ? ", channel " + rest / (h * w) : "") + ", pixel (row " + rest % (h * w) / w + ", column " + rest % w + ")";
    }

    /** "row 3, class 7" for a flat index into a [B, K] array. */
    private static String rowClass(INDArray z, long flat) {
        return "row " + flat / z.size(1) + ", class " + flat % z.size(1);
    }

    private static float[][] rows(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').reshape(a.size(0), -1).toFloatMatrix();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
