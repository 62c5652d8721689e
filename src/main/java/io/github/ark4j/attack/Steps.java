package io.github.ark4j.attack;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Gradient steps and projections shared by the gradient attacks (FGSM, BIM/PGD), batched over samples. */
final class Steps {
    private Steps() {
    }

    /**
     * The direction that increases the attacker's objective: +∇ₓ L(x, y) untargeted, −∇ₓ L(x, t) targeted, with L the
     * cross-entropy at temperature T (Goodfellow et al. 2015, eq. (3); Kurakin et al. 2016 for the targeted form).
     * With {@code exactDirection} the same direction times a positive factor per sample ({@link Classifier#lossDirection}),
     * else the model's float32 loss gradient.
     */
    static INDArray ascent(Classifier model, INDArray x, int[] labels, int[] targets, double temperature, boolean exactDirection) {
        return ascent(model.forwardPass(x), labels, targets, temperature, exactDirection);
    }

    /** {@link #ascent(Classifier, INDArray, int[], int[], double, boolean)} from a forward pass already made. */
    static INDArray ascent(Classifier.ForwardPass pass, int[] labels, int[] targets, double temperature, boolean exactDirection) {
        int[] towards = targets == null ? labels : targets;
        INDArray y = LabeledImages.oneHot(towards, (int) pass.logits().size(1));
        INDArray g = exactDirection ? pass.lossDirection(y, temperature) : pass.lossGradient(y, temperature);
        return targets == null ? g : g.negi();
    }

    /** ε·sign(g) for L∞, ε·g/‖g‖₂ (per sample) for L2. */
    static INDArray scaledStep(INDArray g, double eps, Norm norm) {
        if (norm == Norm.LINF) {
            return Transforms.sign(g, true).muli(eps);
        }
        long b = g.size(0);
        INDArray flat = g.reshape(b, -1);
        INDArray n = flat.norm2(1).reshape(b, 1);
        n.addi(1e-12);
        return flat.diviColumnVector(n).muli(eps).reshape(g.shape());
    }

    /** Projects x' onto the ε-ball around x in the given norm and onto [0,1]; modifies and returns x'. */
    static INDArray project(INDArray xAdv, INDArray x, double eps, Norm norm) {
        INDArray d = xAdv.subi(x);
        if (norm == Norm.LINF) {
            Transforms.min(Transforms.max(d, -eps, false), eps, false);
        } else {
            long b = d.size(0);
            INDArray flat = d.reshape(b, -1);
            INDArray n = flat.norm2(1).reshape(b, 1);
            INDArray factor = Transforms.min(n.rdiv(eps), 1.0, false); // min(1, ε/‖δ‖)
            flat.muliColumnVector(factor);
        }
        return clip(d.addi(x));
    }

    static INDArray clip(INDArray x) {
        return Transforms.min(Transforms.max(x, 0.0, false), 1.0, false);
    }

    /** Rows of a batch (a copy). */
    static INDArray rows(INDArray x, int[] idx) {
        long[] shape = x.shape().clone();
        shape[0] = idx.length;
        return Nd4j.pullRows(x.reshape(x.size(0), -1), 1, idx).reshape(shape);
    }

    /** Writes the rows of {@code part} back into x at the given indices. */
    static void putRows(INDArray x, int[] idx, INDArray part) {
        INDArray flat = x.reshape(x.size(0), -1);
        INDArray p = part.reshape(part.size(0), -1);
        for (int i = 0; i < idx.length; i++) {
            flat.getRow(idx[i]).assign(p.getRow(i));
        }
    }

    static int[] subset(int[] v, int[] idx) {
        if (v == null) {
            return null;
        }
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    static boolean succeeded(int pred, int label, int[] targets, int i) {
        return targets == null ? pred != label : pred == targets[i];
    }
}
