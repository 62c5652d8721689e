package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.model.Accuracy;
import io.github.ark4j.model.Classifier;
import io.github.ark4j.viz.Images;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * JSMA over every source-target pair (Papernot et al. EuroS&P 2016, Fig. 1 and Table 1): each seed image is
 * attacked towards each of the other nine classes; success rate and features changed per pair, overall.
 */
public final class JsmaGrid {
    /** The attack results with the seeds and targets they were run on. */
    public record Result(LabeledImages seeds, int[] sources, int[] targets, int[] seedOfRow, AttackResult attack) {
        /** Overall success rate. */
        public double successRate() {
            return attack.successRate(sources);
        }

        /** Mean share of features changed over successful attacks. */
        public double meanShareChanged() {
            return java.util.Arrays.stream(sharesChanged()).average().orElse(Double.NaN);
        }

        /** Per successful attack, the share of features it changed. */
        public double[] sharesChanged() {
            long n = attack.adversarial().length() / attack.size();
            return IntStream.range(0, attack.size()).filter(i -> attack.success()[i]).mapToDouble(i -> attack.l0()[i] / n).toArray();
        }

        /** How many attacks were run: the trials behind {@link #successRate}. */
        public int attempted() {
            return attack.attempted(sources);
        }

        /**
         * Of the failed attacks, the share that changed at least {@code budget} features: they used the whole feature
         * budget, where the others stopped for want of an admissible pixel pair. NaN when no attack failed.
         */
        public double failuresAtBudget(int budget) {
            int failed = 0;
            int atBudget = 0;
            for (int i = 0; i < attack.size(); i++) {
                if (!attack.success()[i]) {
                    failed++;
                    atBudget += attack.l0()[i] >= budget ? 1 : 0;
                }
            }
            return failed == 0 ? Double.NaN : atBudget / (double) failed;
        }

        /** The target class the attack reaches least often (the lowest class on ties). */
        public int hardestTarget() {
            double[] ok = new double[10];
            double[] n = new double[10];
            for (int i = 0; i < targets.length; i++) {
                n[targets[i]]++;
                ok[targets[i]] += attack.success()[i] ? 1 : 0;
            }
            return IntStream.range(0, 10).filter(c -> n[c] > 0).boxed()
                    .min(java.util.Comparator.comparingDouble(c -> ok[c] / n[c])).orElseThrow();
        }

        /** Success rate of the attacks towards every target but {@code target}. */
        public double successRateWithout(int target) {
            int ok = 0;
            for (int i = 0; i < targets.length; i++) {
                ok += targets[i] != target && attack.before()[i] == sources[i] && attack.success()[i] ? 1 : 0;
            }
            return ok / (double) attemptedWithout(target);
        }

        /** How many attacks towards every target but {@code target} were run: the trials behind {@link #successRateWithout}. */
        public int attemptedWithout(int target) {
            return (int) IntStream.range(0, targets.length).filter(i -> targets[i] != target && attack.before()[i] == sources[i]).count();
        }

        /** 10x10 table (rows: source class, columns: target) of success rates. */
        public Table successBySourceAndTarget() {
            int k = 10;
            double[][] ok = new double[k][k];
            double[][] n = new double[k][k];
            for (int i = 0; i < sources.length; i++) {
                n[sources[i]][targets[i]]++;
                if (attack.success()[i]) {
                    ok[sources[i]][targets[i]]++;
                }
            }
            Table t = Table.create(attack.attack() + " success rate by source (row) and target (column)");
            t.addColumns(IntColumn.create("source", IntStream.range(0, k).toArray()));
            for (int c = 0; c < k; c++) {
                double[] col = new double[k];
                for (int r = 0; r < k; r++) {
                    col[r] = n[r][c] == 0 ? Double.NaN : ok[r][c] / n[r][c];
                }
                t.addColumns(DoubleColumn.create("to " + c, col));
            }
            return t;
        }

        /**
         * The paper's Fig. 1: for the first seed of each class, the adversarial image for every target (diagonal:
         * the original).
         */
        public BufferedImage figure() {
            List<BufferedImage> imgs = new ArrayList<>();
            List<String> caps = new ArrayList<>();
            for (int s = 0; s < 10; s++) {
                int seed = -1;
                for (int i = 0; i < seeds.size(); i++) {
                    if (seeds.label(i) == s) {
                        seed = i;
                        break;
                    }
                }
                for (int t = 0; t < 10; t++) {
                    if (seed < 0) {
                        imgs.add(new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB));
                        caps.add("");
                        continue;
                    }
                    if (t == s) {
                        imgs.add(Images.of(seeds.features().get(NDArrayIndex.point(seed)), 2));
                        caps.add("orig " + s);
                        continue;
                    }
                    int row = row(seed, t);
                    imgs.add(Images.of(attack.adversarial().get(NDArrayIndex.point(row)), 2));
                    caps.add((attack.success()[row] ? "" : "x ") + "->" + t + " " + attack.after()[row]);
                }
            }
            return Images.grid(imgs, caps, 10);
        }

        private int row(int seed, int target) {
            for (int i = 0; i < targets.length; i++) {
                if (seedOfRow[i] == seed && targets[i] == target) {
                    return i;
                }
            }
            throw new IllegalStateException("no attack of seed " + seed + " towards " + target);
        }
    }

    private JsmaGrid() {
    }

    /**
     * The first {@code perClass} test images of each class that the model classifies correctly (the paper attacks
     * only correctly classified seeds), in test-set order.
     */
    public static LabeledImages seeds(Classifier model, LabeledImages test, int perClass) {
        int[] pred = Accuracy.predictions(model, test.features());
        int[] taken = new int[test.classes()];
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < test.size() && chosen.size() < test.classes() * perClass; i++) {
            if (pred[i] == test.label(i) && taken[test.label(i)] < perClass) {
                chosen.add(i);
                taken[test.label(i)]++;
            }
        }
        return test.select(chosen.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Attacks each seed towards every other class, in batches of 9 seeds (81 attacks). */
    public static Result run(Classifier model, LabeledImages seeds, Jsma jsma) {
        int m = seeds.size() * 9;
        int[] rows = new int[m];
        int[] src = new int[m];
        int[] tgt = new int[m];
        int k = 0;
        for (int s = 0; s < seeds.size(); s++) {
            for (int t = 0; t < 10; t++) {
                if (t != seeds.label(s)) {
                    rows[k] = s;
                    src[k] = seeds.label(s);
                    tgt[k++] = t;
                }
            }
        }
        LabeledImages pairs = seeds.select(rows);
        AttackResult attack = jsma.runInBatches(model, pairs.features(), pairs.labels(), tgt, 81);
        return new Result(seeds, src, tgt, rows, attack);
    }
}
