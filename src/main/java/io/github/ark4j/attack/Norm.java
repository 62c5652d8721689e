package io.github.ark4j.attack;

/** The distance a perturbation budget is measured in. */
public enum Norm {
    /** max_i |δ_i|: every feature moves by at most ε. */
    LINF,
    /** sqrt(Σ δ_i²). */
    L2
}
