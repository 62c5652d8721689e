package io.github.ark4j.experiment;

import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.detect.MutationDetector;

import java.util.List;
import java.util.Map;

/**
 * What the stages of {@link MutationDetection} compute, before any table or chart is made of it.
 *
 * @param groups       the inputs of each group (normal, wrong, one per successful attack) and the attacks' parameters
 * @param mutants      per model-mutation operator: how many mutants were accepted and how accurate they are
 * @param sources      per mutant source (each operator, then "input"): label change rates, AUROCs and SPRT decisions
 * @param calibration  how many correctly classified training inputs calibrated ρ_nr
 * @param validation   how many test images decided whether a mutant is accurate enough
 */
public record MutationResults(Groups groups, List<OperatorMutants> mutants, Map<String, SourceResults> sources,
                              int calibration, int validation) {
    public MutationResults {
        mutants = List.copyOf(mutants);
        sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
    }

    /** The groups' inputs, in report order (normal, wrong, then the attacks), and each attack's name with its parameters. */
    public record Groups(Map<String, LabeledImages> samples, Map<String, String> attacks) {
        /** The adversarial groups: every group after normal and wrong. */
        public List<String> attackGroups() {
            return samples.keySet().stream().skip(2).toList();
        }
    }

    /** The accepted mutants of one operator (accuracy at least 90% of the original's on the validation images). */
    public record OperatorMutants(String operator, int accepted, int drawn, double meanAccuracy, double originalAccuracy,
                                  double seconds) {
    }

    /**
     * One mutant source's results.
     *
     * @param lcr       each group's label change rates, one per input
     * @param auroc     per attack group, the AUROC of the LCR, adversarial vs normal
     * @param rhoNr     the calibrated normal label change rate ρ_nr
     * @param detection per group (not "wrong"), the SPRT's decisions
     */
    public record SourceResults(String source, Map<String, double[]> lcr, Map<String, Double> auroc, double rhoNr,
                                Map<String, MutationDetector.Result> detection) {
        /** Mean share declared adversarial over the adversarial groups, or on the normal group. */
        public double meanDetection(boolean normal) {
            return detection.entrySet().stream().filter(e -> e.getKey().equals("normal") == normal)
                    .mapToDouble(e -> e.getValue().adversarialShare()).average().orElse(Double.NaN);
        }

        /** Mean number of mutants the SPRT used, over the adversarial groups. */
        public double meanMutantsUsedOnAdversarial() {
            return detection.entrySet().stream().filter(e -> !e.getKey().equals("normal"))
                    .mapToDouble(e -> e.getValue().meanMutantsUsed()).average().orElse(Double.NaN);
        }

        /** The AUROC for an attack group, NaN if that attack produced no adversarial input. */
        public double auroc(String attack) {
            return auroc.getOrDefault(attack, Double.NaN);
        }
    }
}
