package io.github.ark4j.detect;

/**
 * Wald's sequential probability ratio test as Wang et al. (ICSE 2019, Section IV.B; docs/papers.md [2]) use it to decide
 * whether an input's label change rate exceeds a threshold ρ_h = μ·ρ_nr: H0 "normal" p ≤ p0 = ρ_h − σ against H1
 * "adversarial" p ≥ p1 = ρ_h + σ, σ the indifference half-width. After n mutants with z label changes,
 * <pre>llr = z·ln(p1/p0) + (n − z)·ln((1 − p1)/(1 − p0))</pre>
 * H1 is accepted when llr ≥ ln((1 − β)/α), H0 when llr ≤ ln(β/(1 − α)); α and β bound the two error rates.
 */
public final class Sprt {
    /** The outcome for one input. */
    public enum Decision {NORMAL, ADVERSARIAL, UNDECIDED}

    private final double p0;
    private final double p1;
    private final double upper;
    private final double lower;
    private final double stepChange;
    private final double stepSame;

    /**
     * @param threshold ρ_h in (0, 1)
     * @param sigma     the indifference half-width σ > 0, with [ρ_h − σ, ρ_h + σ] inside (0, 1)
     * @param alpha     the bound on deciding "adversarial" for a normal input, in (0, 0.5)
     * @param beta      the bound on deciding "normal" for an adversarial input, in (0, 0.5)
     */
    public Sprt(double threshold, double sigma, double alpha, double beta) {
        if (!(sigma > 0) || !(threshold - sigma > 0) || !(threshold + sigma < 1)) {
            throw new IllegalArgumentException("threshold ± sigma must lie inside (0, 1), got threshold " + threshold + ", sigma " + sigma);
        }
        if (!(alpha > 0 && alpha < 0.5) || !(beta > 0 && beta < 0.5)) {
            throw new IllegalArgumentException("alpha and beta must be in (0, 0.5), got alpha " + alpha + ", beta " + beta);
        }
        this.p0 = threshold - sigma;
        this.p1 = threshold + sigma;
        this.upper = Math.log((1 - beta) / alpha);
        this.lower = Math.log(beta / (1 - alpha));
        this.stepChange = Math.log(p1 / p0);
        this.stepSame = Math.log((1 - p1) / (1 - p0));
    }

    /** The paper's parameters: ρ_h = μ·ρ_nr, σ = 0.1·ρ_nr, α = β = 0.05. */
    public static Sprt forNormalRate(double rhoNr, double mu) {
        return new Sprt(mu * rhoNr, 0.1 * rhoNr, 0.05, 0.05);
    }

    /** The log-likelihood ratio after n observations with z label changes. */
    public double llr(int changes, int n) {
        return changes * stepChange + (n - changes) * stepSame;
    }

    public Decision decide(int changes, int n) {
        double l = llr(changes, n);
        return l >= upper ? Decision.ADVERSARIAL : l <= lower ? Decision.NORMAL : Decision.UNDECIDED;
    }

    public double p0() {
        return p0;
    }

    public double p1() {
        return p1;
    }

    /** The expected llr increment of one observation when the change probability is p. */
    public double meanStep(double p) {
        return p * stepChange + (1 - p) * stepSame;
    }

    /**
     * Wald's approximation of the average sample number at change probability p, given the probability L of
     * accepting H0 there (1 − α at p0, β at p1): E[n] ≈ (L·ln B + (1 − L)·ln A) / E[step].
     */
    public double averageSampleNumber(double p, double acceptH0) {
        return (acceptH0 * lower + (1 - acceptH0) * upper) / meanStep(p);
    }
}
