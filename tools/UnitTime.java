import io.github.ark4j.experiment.Dataset;
import io.github.ark4j.experiment.DistillationShard;
import io.github.ark4j.experiment.Profile;
import io.github.ark4j.experiment.Unit;
import io.github.ark4j.model.ModelCache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Times one shard unit of the distillation sweep's measurement in this process, into an empty cache over the kit's
 * shipped models (developer tooling: the per-unit time behind docs/cluster.md's projection).
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * java -Xmx3g -cp "target/ark4j.jar:target/lib/*" tools/UnitTime.java FULL CIFAR10 NaN 1     # the undistilled net
 * java -Xmx3g -cp "target/ark4j.jar:target/lib/*" tools/UnitTime.java QUICK CIFAR10 100 0    # the quick T = 100 student
 * </pre>
 * Arguments: profile, dataset, temperature (NaN for the undistilled net), shard.
 */
public class UnitTime {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: UnitTime PROFILE DATASET TEMPERATURE|NaN SHARD");
            System.exit(2);
        }
        Unit unit = new DistillationShard(Profile.valueOf(args[0]), Dataset.valueOf(args[1]), Double.parseDouble(args[2]), Integer.parseInt(args[3]));
        Path cache = Files.createTempDirectory("ark4j-unit-time");
        long t0 = System.nanoTime();
        unit.compute(new ModelCache(cache, List.of(ModelCache.shippedDirectory())));
        System.out.printf(Locale.ROOT, "%s: %.1f s%n", unit.name(), (System.nanoTime() - t0) / 1e9);
    }
}
