package io.github.ark4j.experiment;

import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.util.AtomicFiles;
import io.github.ark4j.util.Progress;
import io.github.ark4j.viz.Charts;
import io.github.ark4j.viz.Images;
import io.github.ark4j.viz.Tables;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the experiments headless ({@code ark4j reproduce}) and writes, per experiment, {@code <out>/<name>/} with the
 * figures (PNG), the tables (CSV), {@code claims.csv} and a {@code report.md} that puts every paper number beside
 * ours with its tolerance and pass/fail; {@code <out>/README.md} indexes every experiment folder present.
 * An experiment's folder is written completely in a temporary folder and then moved into place.
 */
public final class Reproduction {
    /** Every experiment, in notebook order. */
    public static List<Experiment> all() {
        return all(null);
    }

    /** Every experiment, the distillation sweeps at {@code temperatures} (null: the profile's). */
    static List<Experiment> all(double[] temperatures) {
        return List.of(new FgsmMnist(), new JsmaMnist(), distillation(Dataset.MNIST, temperatures), distillation(Dataset.CIFAR10, temperatures),
                new DistillationNotRobustMnist(), new MutationDetection(Dataset.MNIST), new MutationDetection(Dataset.CIFAR10));
    }

    private static Distillation distillation(Dataset dataset, double[] temperatures) {
        return temperatures == null ? new Distillation(dataset) : new Distillation(dataset, temperatures);
    }

    private final Profile profile;
    private final Path out;
    private final double[] temperatures;

    public Reproduction(Profile profile, Path out) {
        this(profile, out, null);
    }

    /**
     * A reproduction whose distillation sweeps run at {@code temperatures} instead of the profile's (null: the
     * profile's); the other experiments are unaffected.
     */
    public Reproduction(Profile profile, Path out, double[] temperatures) {
        this.profile = profile;
        this.out = out;
        this.temperatures = temperatures == null ? null : temperatures.clone();
    }

    /**
     * Runs the named experiments (all when {@code only} is empty) and returns how many claims failed (known differences,
     * explained in docs/known-differences.md, are not counted). Without names, an
     * experiment whose dataset the data root lacks (CIFAR-10 in the embedded default) is skipped with a message; a named
     * one runs and fails on the missing data with the loader's error.
     */
    public int run(List<String> only) throws IOException {
        int failed = 0;
        for (Experiment e : plan(only, temperatures)) {
            Progress.log("ark4j reproduce: " + e.name() + " (" + profile + " profile) — " + e.title());
            long t0 = System.nanoTime();
            Experiment.Outcome o = e.run(profile);
            double minutes = (System.nanoTime() - t0) / 6e10;
            write(e, o, minutes);
            long fails = count(o.claims(), Claim.Verdict.FAIL);
            failed += (int) fails;
            Progress.log(String.format(Locale.ROOT, "ark4j reproduce: %s done in %.1f min: %d claims pass, %d known differences, %d fail, "
                            + "%d values reported -> %s", e.name(), minutes, o.claims().stream().filter(c -> c.verdict().passes()).count(),
                    count(o.claims(), Claim.Verdict.KNOWN_DIFFERENCE), fails, count(o.claims(), Claim.Verdict.REPORTED),
                    out.resolve(e.name()).resolve("report.md")));
        }
        writeIndex();
        return failed;
    }

    /** The units of the experiments {@link #run} runs for {@code only}, each once, in the experiments' order. */
    public List<Unit> units(List<String> only) {
        java.util.LinkedHashSet<Unit> units = new java.util.LinkedHashSet<>();
        for (Experiment e : plan(only, temperatures)) {
            units.addAll(e.units(profile));
        }
        return List.copyOf(units);
    }

    private static long count(List<Claim> claims, Claim.Verdict verdict) {
        return claims.stream().filter(c -> c.verdict() == verdict).count();
    }

    /** The experiments {@link #run} runs: the named ones, or all whose dataset is present (the others logged as skipped). */
    static List<Experiment> plan(List<String> only) {
        return plan(only, null);
    }

    /** {@link #plan(List)} with the distillation sweeps at {@code temperatures} (null: the profile's). */
    static List<Experiment> plan(List<String> only, double[] temperatures) {
        if (only != null && !only.isEmpty()) {
            return select(only, temperatures);
        }
        List<Experiment> runnable = new ArrayList<>();
        for (Experiment e : all(temperatures)) {
            if (e.dataset().present()) {
                runnable.add(e);
            } else {
                Progress.log("ark4j reproduce: " + e.name() + " skipped: no " + e.dataset().title() + " in the data root ("
                        + DataDirectory.describe() + "); set ARK4J_DATA to a folder holding it or run `ark4j download`");
            }
        }
        return runnable;
    }

    private static List<Experiment> select(List<String> only, double[] temperatures) {
        List<Experiment> chosen = new ArrayList<>();
        for (String name : only) {
            chosen.add(all(temperatures).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "--only: no experiment named '" + name + "'; expected one of " + all().stream().map(Experiment::name).toList())));
        }
        return chosen;
    }

    private void write(Experiment e, Experiment.Outcome o, double minutes) throws IOException {
        Files.createDirectories(out);
        Path tmp = AtomicFiles.tempDirectory(out, "." + e.name() + ".");
        try {
            StringBuilder md = new StringBuilder();
            md.append("# ").append(e.title()).append("\n\n");
            md.append(String.format(Locale.ROOT, "Profile `%s` · run %s · commit `%s` · runtime %.1f min · data %s · engine %s%n%n",
                    profile, Instant.now().truncatedTo(ChronoUnit.SECONDS), commit(), minutes, DataDirectory.describe(), engine()));
            if (profile == Profile.QUICK) {
                md.append("The quick profile trains on a subset of the data for a few epochs and attacks few samples: it shows the trends "
                        + "in minutes. The tolerances are meant for the full profile; the results index says which claims miss here and why.\n\n");
            }
            Table claims = Claim.table(o.claims());
            md.append("## Published vs this run\n\n").append(VERDICTS).append("\n\n").append(Tables.markdown(claims));
            Tables.writeCsv(claims, tmp.resolve("claims.csv"));
            for (String note : o.notes()) {
                md.append("\n").append(note).append("\n");
            }
            md.append("\n## Figures\n\n");
            for (Map.Entry<String, org.knowm.xchart.internal.chartpart.Chart<?, ?>> c : o.charts().entrySet()) {
                Charts.writePng(c.getValue(), tmp.resolve(c.getKey() + ".png"));
                md.append("![").append(c.getKey()).append("](").append(c.getKey()).append(".png)\n\n");
            }
            for (Map.Entry<String, java.awt.image.BufferedImage> i : o.images().entrySet()) {
                Images.writePng(i.getValue(), tmp.resolve(i.getKey() + ".png"));
                md.append("![").append(i.getKey()).append("](").append(i.getKey()).append(".png)\n\n");
            }
            md.append("## Tables\n\n");
            for (Map.Entry<String, Table> t : o.tables().entrySet()) {
                Tables.writeCsv(t.getValue(), tmp.resolve(t.getKey() + ".csv"));
                md.append("### ").append(t.getValue().name()).append(" (`").append(t.getKey()).append(".csv`)\n\n")
                        .append(Tables.markdown(t.getValue())).append("\n");
            }
            AtomicFiles.writeString(tmp.resolve("report.md"), md.toString());
            Path dest = out.resolve(e.name());
            AtomicFiles.deleteTree(dest);
            Files.move(tmp, dest);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** How to read a claim table, above each one. */
    static final String VERDICTS = "\"published\" is a paper's number with its source (docs/papers.md); a peer's measurement and "
            + "a target of ours, where the paper gives none for our set-up, have their own columns. \"this run\" comes with its 95% "
            + "interval (Wilson for a rate, bootstrap for an AUROC, normal for a mean) and its sample size N. Verdicts: *pass* (inside "
            + "the tolerance), *pass (within the 95% interval)* (outside, but the interval reaches the tolerance), *known difference* "
            + "(outside; docs/known-differences.md gives the measurements that explain it), *FAIL*, and *reported* (a published or "
            + "computed number shown without a tolerance).";

    /**
     * out/README.md: one section per experiment folder present, with its claims; a report written before the claims had
     * their sources, intervals and verdicts is marked as such, with the command that regenerates it.
     */
    void writeIndex() throws IOException {
        StringBuilder md = new StringBuilder("# ark4j reproduction (" + profile + " profile)\n\n"
                + "Written by `ark4j reproduce`; each folder holds the figures, tables and `report.md` of one experiment. "
                + VERDICTS + "\n\n");
        if (profile == Profile.QUICK) {
            md.append(QUICK_EXPECTATIONS).append("\n\n");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(out)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("claims.csv"))).sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (Path d : dirs) {
            // read every column as text: "96.90%" must stay as written
            Table claims = Table.read().usingOptions(CsvReadOptions.builder(d.resolve("claims.csv").toFile())
                    .columnTypesToDetect(List.of(ColumnType.STRING)));
            md.append("## [").append(d.getFileName()).append("](").append(d.getFileName()).append("/report.md)\n\n")
                    .append(Tables.markdown(claims)).append("\n");
            if (!claims.columnNames().contains("verdict")) {
                md.append("*An earlier format: this report's claims have no separate published, peer and target columns, "
                        + "intervals or verdicts, and count in no total. Regenerate it with `./ark4j reproduce --profile ")
                        .append(profile).append(" --only ").append(d.getFileName())
                        .append("`.*\n\n");
                continue;
            }
            if (profile == Profile.QUICK) {
                List<String> missed = new ArrayList<>();
                for (int i = 0; i < claims.rowCount(); i++) {
                    if (claims.stringColumn("verdict").get(i).equals(Claim.Verdict.FAIL.text())) {
                        missed.add(claims.stringColumn("quantity").get(i));
                    }
                }
                if (!missed.isEmpty()) {
                    md.append("Missed on the quick profile's subset: ").append(String.join("; ", missed))
                            .append(" (see above; docs/known-differences.md, \"Quick profile\", gives each one's reason).\n\n");
                }
            }
        }
        AtomicFiles.writeString(out.resolve("README.md"), md.toString());
    }

    /** What the quick profile's index says before its tables: which claims miss there, and why. */
    static final String QUICK_EXPECTATIONS = "**Expected to miss on the quick profile.** It trains on the first 6,000 MNIST and "
            + "10,000 CIFAR-10 training images for 5–8 epochs (the papers: all images, 50 epochs) and attacks 20–100 images. "
            + "Claims about a trained net's accuracy miss (the MNIST nets reach 95–98%, the CIFAR-10 nets 36–44%); so do claims that "
            + "follow from it: a distilled student less accurate than its baseline, an FGSM error or detection rate that depends on "
            + "how far the inputs lie from the boundary, and the CIFAR-10 rates measured on 30 images, whose 95% intervals are "
            + "wide. Each section below lists its misses; docs/known-differences.md (\"Quick profile\") gives the reason for each. "
            + "The full profile's report (`results/full/`) is the one to compare with the papers.";

    /** The git commit of the working directory (with "+changes" when it has uncommitted changes), or "unknown". */
    static String commit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+changes";
    }

    private static String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String engine() {
        String info = io.github.ark4j.engine.Engine.nativeBuildInfo();
        return info.contains("HAVE_ONEDNN") ? "nd4j-native with oneDNN" : "nd4j-native (no oneDNN)";
    }
}
