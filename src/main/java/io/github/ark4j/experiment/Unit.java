package io.github.ark4j.experiment;

import io.github.ark4j.model.ModelCache;

import java.io.IOException;
import java.io.Serializable;

/**
 * An independent piece of an experiment's work whose result lands in the model cache: units of one run share no state,
 * so they can run in any order, in other processes or on a cluster's executors, and a unit computes the same bits
 * wherever it runs with the same thread count. {@code ark4j reproduce --master} runs the units of the chosen experiments
 * on Spark first; the experiments then find their models in the cache.
 */
public interface Unit extends Serializable {
    /** What the unit computes, for progress and logs (e.g. "distillation-mnist T=20: teacher and student"). */
    String name();

    /** Computes the unit's models into {@code cache} (a cache hit computes nothing). */
    void compute(ModelCache cache) throws IOException;
}
