package io.github.ark4j.experiment;

import io.github.ark4j.model.ModelCache;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * An independent piece of an experiment's work whose result lands in the model cache (a model) or in its stage cache
 * ({@link ModelCache#stages()}: e.g. one shard of attacked images): units of one phase share no state, so they can run
 * in any order, in other processes or on a cluster's executors, and a unit computes the same bits wherever it runs with
 * the same thread count. A unit of a later phase reads what units of earlier phases computed (the attacks read the
 * models). {@code ark4j reproduce --master} runs the units of the chosen experiments on Spark, phase by phase; the
 * experiments then find their models and stages in the cache.
 */
public interface Unit extends Serializable {
    /** What the unit computes, for progress and logs (e.g. "distillation-mnist T=20: teacher and student"). */
    String name();

    /** Computes the unit's models or stages into {@code cache} (a cache hit computes nothing). */
    void compute(ModelCache cache) throws IOException;

    /** The units whose results this one reads (e.g. the model an attack shard attacks); none by default. */
    default List<Unit> reads() {
        return List.of();
    }

    /**
     * When the unit can start: 0 for a unit that reads no other unit's result, else one more than the latest phase of
     * the units it reads (the models are phase 0, what is computed with them phase 1).
     */
    default int phase() {
        return reads().stream().mapToInt(u -> u.phase() + 1).max().orElse(0);
    }
}
