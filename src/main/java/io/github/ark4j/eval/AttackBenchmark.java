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
import io.github.ark4j.util.Stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Adversarial examples per second of every attack on one model and one batch of correctly classified images, at the
 * parameters of docs/papers.md ("usual peer parameters"): MNIST FGSM/BIM/PGD ε 0.3, step 0.01, 40 iterations; CIFAR-10
 * ε 8/255, step 2/255, 10 iterations; JSMA θ +1, γ 14.5%; DeepFool overshoot 0.02, 50 iterations; C&W L2 with a
 * shortened search (6 binary steps × 300 Adam iterations instead of 9 × 1,000, as in the CI test; stated in the
 * row). JSMA and C&W are targeted at a seeded random class per image. Each attack runs on the whole batch (JSMA on
 * CIFAR-10: on the first {@value #JSMA_CIFAR_SAMPLES} images) until {@value #WARMUP_SECONDS} s have passed (at least
 * once), untimed, and then again until as long has passed (at least once), timed: the median of the timed runs gives
 * the adversarial examples per second of a process that attacks many batches. The first run's time is reported
 * beside it. The first runs are slower (MNIST JSMA-F: about 1.5x the steady time per image in the
 * first run, with several times the page faults): the JIT compiles the attacks' Java code (the pair search), and
 * freed native buffers are reused instead of fresh pages.
 */
public final class AttackBenchmark {
    public static final String HEADER = "| dataset | attack | samples | success | mean L2 (successful) | ms / sample | adversarial examples / s "
            + "| timed runs | first run, ms / sample |\n|---|---|---|---|---|---|---|---|---|";

    /** JSMA on CIFAR-10 runs on this many of the images. */
    static final int JSMA_CIFAR_SAMPLES = 10;

    /** Untimed whole-batch runs of each attack last at least this long (at least one run), and so do the timed runs. */
    static final double WARMUP_SECONDS = 10;

    private AttackBenchmark() {
    }

    /** One attack's figures: {@code msPerSample} is the median over {@code timedRuns} runs. */
    public record Row(String dataset, String attack, int samples, double successRate, double meanL2, double msPerSample,
                      int timedRuns, double firstRunMsPerSample) {
        public String markdown() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.1f%% | %.3f | %.1f | %.1f | %d | %.1f |", dataset, attack, samples, 100 * successRate,
                    meanL2, msPerSample, 1000 * successRate / msPerSample, timedRuns, firstRunMsPerSample);
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

    /** The times of consecutive runs of one attack, and the last run's result (every run gives the same examples). */
    private record Runs(double[] seconds, AttackResult last) {
    }

    /** Runs the attack until its runs have taken this long together (at least once). */
    private static Runs runsFor(double seconds, Supplier<AttackResult> attack) {
        List<Double> times = new ArrayList<>();
        AttackResult r;
        do {
            r = attack.get();
            times.add(r.seconds());
        } while (times.stream().mapToDouble(Double::doubleValue).sum() < seconds);
        return new Runs(times.stream().mapToDouble(Double::doubleValue).toArray(), r);
    }

    private static String normalized(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** The attacks of {@link #attacks} named in {@code only} (all when empty, see {@link #select}) on the samples. */
    public static List<Row> run(String dataset, Classifier model, LabeledImages samples, boolean cifar, Collection<String> only) {
        Map<String, Attack> chosen = select(attacks(cifar), only);
        List<Row> rows = new ArrayList<>();
        int[] targets = Jsma.randomTargets(samples.labels(), samples.classes(), 1);
        for (Map.Entry<String, Attack> e : chosen.entrySet()) {
            Attack a = e.getValue();
            boolean targeted = a instanceof Jsma || a instanceof CarliniWagnerL2;
            // the pairwise JSMA search is quadratic in the features: 3,072 on CIFAR-10 make it ~150x MNIST's cost per step
            LabeledImages set = cifar && a instanceof Jsma ? samples.first(Math.min(JSMA_CIFAR_SAMPLES, samples.size())) : samples;
            int[] setTargets = targeted ? java.util.Arrays.copyOf(targets, set.size()) : null;
            Progress.log(String.format(Locale.ROOT, "%s %s: untimed whole-batch runs for %.0f s, then timed ones for as long", dataset,
                    e.getKey(), WARMUP_SECONDS));
            Supplier<AttackResult> attack = () -> a.run(model, set.features(), set.labels(), setTargets);
            Runs warmUp = runsFor(WARMUP_SECONDS, attack);
            Runs timed = runsFor(WARMUP_SECONDS, attack);
            AttackResult r = timed.last();
            Row row = new Row(dataset, r.attack(), r.size(), r.successRate(set.labels()), r.meanSuccessfulL2(),
                    1000 * Stats.median(timed.seconds()) / r.size(), timed.seconds().length, 1000 * warmUp.seconds()[0] / r.size());
            Progress.log(row.markdown());
            rows.add(row);
        }
        return rows;
    }
}
