package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/** Joins attack results of consecutive batches into one. */
final class Results {
    private Results() {
    }

    static AttackResult concat(List<AttackResult> parts) {
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
}
