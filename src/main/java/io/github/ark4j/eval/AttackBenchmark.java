package io.github.ark4j.eval;

import io.github.ark4j.attack.Attack;
import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.CarliniWagnerL2;
import io.github.ark4j.attack.DeepFool;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.attack.Pgd;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.util.Progress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Adversarial examples per second of every attack on one model and one batch of correctly classified images, at the
 * parameters of PAPERS.md ("usual peer parameters"): MNIST FGSM/BIM/PGD ε 0.3, step 0.01, 40 iterations; CIFAR-10
 * ε 8/255, step 2/255, 10 iterations; JSMA θ +1, γ 14.5%; DeepFool overshoot 0.02, 50 iterations; C&W L2 with a
 * shortened search (6 binary steps × 300 Adam iterations instead of 9 × 1,000, as in the CI test; stated in the
 * row). JSMA and C&W are targeted at a seeded random class per image. Each attack runs once on the whole batch (JSMA
 * on CIFAR-10: on the first {@value #JSMA_CIFAR_SAMPLES} images), after one gradient pass over the whole batch and
 * one warm-up run of each attack on a few images.
 */
public final class AttackBenchmark {
    public static final String HEADER = "| dataset | attack | samples | success | mean L2 (successful) | ms / sample | adversarial examples / s |\n"
            + "|---|---|---|---|---|---|---|";

    /** JSMA on CIFAR-10 runs on this many of the images. */
    static final int JSMA_CIFAR_SAMPLES = 10;

    private AttackBenchmark() {
    }

    public record Row(String dataset, String attack, int samples, double successRate, double meanL2, double msPerSample) {
        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.1f%% | %.3f | %.1f | %.1f |", dataset, attack, samples, 100 * successRate,
                    meanL2, msPerSample, 1000 * successRate / msPerSample);
        }
    }

    /** The attacks and their parameters for MNIST-like ([0,1] grey digits) or CIFAR-10 images. */
    public static Map<String, Attack> attacks(boolean cifar) {
        double eps = cifar ? 8 / 255.0 : 0.3;
        double step = cifar ? 2 / 255.0 : 0.01;
        int iterations = cifar ? 10 : 40;
        Map<String, Attack> m = new LinkedHashMap<>();
        m.put("FGSM", Fgsm.builder().epsilon(eps).build());
        m.put("BIM", Pgd.bim().epsilon(eps).stepSize(step).iterations(iterations).build());
        m.put("PGD", Pgd.builder().epsilon(eps).stepSize(step).iterations(iterations).build());
        m.put("JSMA-Z", Jsma.builder().build());
        m.put("JSMA-F", Jsma.builder().output(Jsma.Output.PROBABILITIES).build());
        m.put("DeepFool", DeepFool.builder().build());
        m.put("C&W", CarliniWagnerL2.builder().binarySteps(6).iterations(300).build());
        return m;
    }

    /**
     * The attacks of {@link #attacks} whose names are given (compared without case and punctuation: "jsma-f", "cw"
     * and "C&W" all work), in the benchmark's order; all of them for an empty selection.
     *
     * @throws IllegalArgumentException naming the unknown attack and the known ones
     */
    public static Map<String, Attack> select(Map<String, Attack> attacks, Collection<String> names) {
        Set<String> wanted = new HashSet<>();
        for (String n : names) {
            String key = normalized(n);
            if (attacks.keySet().stream().noneMatch(k -> normalized(k).equals(key))) {
                throw new IllegalArgumentException("--attack: unknown attack '" + n + "', expected some of " + String.join(", ", attacks.keySet()));
            }
            wanted.add(key);
        }
        Map<String, Attack> out = new LinkedHashMap<>();
        attacks.forEach((k, a) -> {
            if (wanted.isEmpty() || wanted.contains(normalized(k))) {
                out.put(k, a);
            }
        });
        return out;
    }

    private static String normalized(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** The attacks of {@link #attacks} named in {@code only} (all when empty, see {@link #select}) on the samples. */
    public static List<Row> run(String dataset, Classifier model, LabeledImages samples, boolean cifar, Collection<String> only) {
        Map<String, Attack> chosen = select(attacks(cifar), only);
        List<Row> rows = new ArrayList<>();
        int[] targets = Jsma.randomTargets(samples.labels(), samples.classes(), 1);
        LabeledImages warm = samples.first(Math.min(4, samples.size()));
        // oneDNN builds its primitives once per input shape: the first pass at the full batch size is not the attack's cost
        model.lossGradient(samples.features(), samples.oneHot(), 1.0);
        for (Map.Entry<String, Attack> e : chosen.entrySet()) {
            Attack a = e.getValue();
            boolean targeted = a instanceof Jsma || a instanceof CarliniWagnerL2;
            // the pairwise JSMA search is quadratic in the features: 3,072 on CIFAR-10 make it ~150x MNIST's cost per step
            LabeledImages set = cifar && a instanceof Jsma ? samples.first(Math.min(JSMA_CIFAR_SAMPLES, samples.size())) : samples;
            a.run(model, warm.features(), warm.labels(), targeted ? java.util.Arrays.copyOf(targets, warm.size()) : null);
            AttackResult r = a.run(model, set.features(), set.labels(), targeted ? java.util.Arrays.copyOf(targets, set.size()) : null);
            Row row = new Row(dataset, r.attack(), r.size(), r.successRate(set.labels()), r.meanSuccessfulL2(), 1000 * r.seconds() / r.size());
            Progress.log(row.markdown());
            rows.add(row);
        }
        return rows;
    }
}
