package io.github.ark4j.experiment;

import io.github.ark4j.detect.ModelMutation;
import io.github.ark4j.model.ModelCache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One stage of {@link MutationDetection} as a unit: an attack's adversarial inputs from a hundred of the seeds or an
 * operator's accepted mutants (phase 1: they read the model under test), or the label changes of a hundred of one
 * source's mutants on every group (phase 2: they read the groups and the mutants). The stage lands in the stage cache
 * under the key the experiment computes, so the experiment in the driver finds it there.
 *
 * @param name  the group ({@code FGSM}, {@code JSMA}, ...), the operator ({@code GF}, ...) or the source ({@code input} too)
 * @param shard which hundred of the seeds (adversarial inputs) or of the source's mutants (label changes), from 0; 0
 *              for an operator's mutants
 */
public record MutationStageUnit(Profile profile, Dataset dataset, Kind kind, String name, int shard) implements Unit {
    /** What a stage computes. */
    public enum Kind {
        ADVERSARIAL, MUTANTS, LABEL_CHANGES
    }

    public MutationStageUnit {
        List<String> expected = switch (kind) {
            case ADVERSARIAL -> MutationStages.attackGroups(dataset);
            case MUTANTS -> java.util.Arrays.stream(ModelMutation.values()).map(ModelMutation::name).toList();
            case LABEL_CHANGES -> MutationStages.sources();
        };
        if (!expected.contains(name)) {
            throw new IllegalArgumentException("name: expected one of " + expected + " for " + kind + ", got " + name);
        }
        if (shard < 0 || (kind == Kind.MUTANTS && shard != 0)) {
            throw new IllegalArgumentException("shard: expected " + (kind == Kind.MUTANTS ? "0 for " + kind : "0 or more") + ", got " + shard);
        }
    }

    /** The unit of an operator's mutants, or of the first shard of an adversarial group or of label changes. */
    public MutationStageUnit(Profile profile, Dataset dataset, Kind kind, String name) {
        this(profile, dataset, kind, name, 0);
    }

    /** The stages of the detection experiment on {@code dataset} at the profile's size, in phase order. */
    static List<Unit> of(Profile profile, Dataset dataset) {
        List<Unit> units = new ArrayList<>();
        units.addAll(adversarial(profile, dataset));
        for (ModelMutation op : ModelMutation.values()) {
            units.add(new MutationStageUnit(profile, dataset, Kind.MUTANTS, op.name()));
        }
        for (String source : MutationStages.sources()) {
            for (int s = 0; s < MutationStages.labelChangeShards(profile, dataset); s++) {
                units.add(new MutationStageUnit(profile, dataset, Kind.LABEL_CHANGES, source, s));
            }
        }
        return units;
    }

    /** The adversarial units: every attack's shards of seeds. */
    private static List<Unit> adversarial(Profile profile, Dataset dataset) {
        List<Unit> units = new ArrayList<>();
        for (String group : MutationStages.attackGroups(dataset)) {
            for (int s = 0; s < MutationStages.seedShards(profile, dataset); s++) {
                units.add(new MutationStageUnit(profile, dataset, Kind.ADVERSARIAL, group, s));
            }
        }
        return units;
    }

    @Override
    public String name() {
        String what = switch (kind) {
            case ADVERSARIAL -> String.format(Locale.ROOT, "%s adversarial inputs from seeds %d-%d", name, shard * MutationStages.SHARD + 1,
                    (shard + 1) * MutationStages.SHARD);
            case MUTANTS -> name + " mutants";
            case LABEL_CHANGES -> String.format(Locale.ROOT, "label changes of the %s mutants %d-%d", name,
                    shard * MutationStages.SHARD + 1, (shard + 1) * MutationStages.SHARD);
        };
        return String.format(Locale.ROOT, "mutation-%s %s: %s", dataset.name().toLowerCase(Locale.ROOT), profile, what);
    }

    /**
     * The model under test; for the label changes also every adversarial group and, for an operator, its mutants (the
     * input source's mutants are drawn as it labels).
     */
    @Override
    public List<Unit> reads() {
        List<Unit> units = new ArrayList<>(List.of(new MutationDetection(dataset).modelUnit(profile)));
        if (kind == Kind.LABEL_CHANGES) {
            units.addAll(adversarial(profile, dataset));
            if (!name.equals(MutationStages.INPUT_SOURCE)) {
                units.add(new MutationStageUnit(profile, dataset, Kind.MUTANTS, name));
            }
        }
        return units;
    }

    @Override
    public void compute(ModelCache cache) throws IOException {
        MutationDetection experiment = new MutationDetection(dataset);
        new MutationStages(experiment, cache.stages(), experiment.model(profile, cache), profile.test(dataset), profile.train(dataset), profile)
                .compute(kind, name, shard);
    }
}
