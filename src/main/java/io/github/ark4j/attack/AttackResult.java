package io.github.ark4j.attack;

import io.github.ark4j.util.Stats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;

/**
 * What an attack produced: the adversarial inputs (inside [0,1]), per-sample success, predictions before and after,
 * L0 / L2 / L∞ distortions (L0 counts features changed by more than 1e-6), the iterations (or queries) each sample
 * used, and the wall time of the whole batch.
 */
public record AttackResult(String attack, INDArray adversarial, boolean[] success, int[] before, int[] after,
                           double[] l0, double[] l2, double[] linf, int[] iterations, double seconds) {

    /** Builds the result, measuring the distortions of {@code adversarial} against {@code x}. */
    public static AttackResult of(String attack, INDArray x, INDArray adversarial, int[] labels, int[] targets, int[] before,
                                  int[] after, int[] iterations, double seconds) {
        int b = labels.length;
        INDArray d = adversarial.sub(x).reshape(b, -1).castTo(DataType.DOUBLE);
        double[] l0 = Transforms.abs(d, true).gt(1e-6).castTo(DataType.DOUBLE).sum(1).toDoubleVector();
        double[] l2 = d.norm2(1).toDoubleVector();
        double[] linf = d.normmax(1).toDoubleVector();
        boolean[] success = new boolean[b];
        for (int i = 0; i < b; i++) {
            success[i] = targets == null ? after[i] != labels[i] : after[i] == targets[i];
        }
        return new AttackResult(attack, adversarial, success, before, after, l0, l2, linf, iterations, seconds);
    }

    /** Joins the results of consecutive batches of one attack into one result (times add up). */
    public static AttackResult concat(List<AttackResult> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = parts.stream().mapToInt(AttackResult::size).sum();
        boolean[] success = new boolean[n];
        int[] before = new int[n];
        int[] after = new int[n];
        int[] iterations = new int[n];
        double[] l0 = new double[n];
        double[] l2 = new double[n];
        double[] linf = new double[n];
        double seconds = 0;
        int o = 0;
        for (AttackResult r : parts) {
            int m = r.size();
            System.arraycopy(r.success(), 0, success, o, m);
            System.arraycopy(r.before(), 0, before, o, m);
            System.arraycopy(r.after(), 0, after, o, m);
            System.arraycopy(r.iterations(), 0, iterations, o, m);
            System.arraycopy(r.l0(), 0, l0, o, m);
            System.arraycopy(r.l2(), 0, l2, o, m);
            System.arraycopy(r.linf(), 0, linf, o, m);
            seconds += r.seconds();
            o += m;
        }
        INDArray adv = Nd4j.concat(0, parts.stream().map(AttackResult::adversarial).toArray(INDArray[]::new));
        return new AttackResult(parts.get(0).attack(), adv, success, before, after, l0, l2, linf, iterations, seconds);
    }

    public int size() {
        return success.length;
    }

    /** Share of successful samples among those the model classified correctly before the attack. */
    public double successRate(int[] labels) {
        int s = 0;
        for (int i = 0; i < size(); i++) {
            if (before[i] == labels[i] && success[i]) {
                s++;
            }
        }
        int n = attempted(labels);
        return n == 0 ? Double.NaN : s / (double) n;
    }

    /** How many inputs the model classified correctly before the attack: the trials behind {@link #successRate}. */
    public int attempted(int[] labels) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (before[i] == labels[i]) {
                n++;
            }
        }
        return n;
    }

    /** Accuracy of the model on the adversarial inputs. */
    public double adversarialAccuracy(int[] labels) {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            if (after[i] == labels[i]) {
                c++;
            }
        }
        return c / (double) size();
    }

    /** Mean L2 distortion over the successful samples (NaN when none succeeded). */
    public double meanSuccessfulL2() {
        return mean(select(l2));
    }

    /**
     * One attack's summary: success rate over the correctly classified inputs, mean and median distortions over the
     * successful ones, mean iterations, milliseconds per sample.
     */
    public record Summary(String attack, int samples, double successRate, double meanL0, double meanL0Share,
                          double meanL2, double medianL2, double meanLinf, double meanIterations, double msPerSample) {
    }

    /** This result's {@link Summary}; {@code labels} are the inputs' true classes. */
    public Summary summary(int[] labels) {
        double[] sl0 = select(l0);
        double[] sl2 = select(l2);
        double[] sli = select(linf);
        return new Summary(attack, size(), successRate(labels), mean(sl0), mean(sl0) / adversarial.reshape(size(), -1).size(1),
                meanSuccessfulL2(), Stats.median(sl2), mean(sli), Arrays.stream(iterations).average().orElse(Double.NaN),
                1000 * seconds / size());
    }

    private double[] select(double[] v) {
        return java.util.stream.IntStream.range(0, size()).filter(i -> success[i]).mapToDouble(i -> v[i]).toArray();
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

}
