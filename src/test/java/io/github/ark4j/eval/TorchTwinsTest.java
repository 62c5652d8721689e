package io.github.ark4j.eval;

import io.github.ark4j.model.Architecture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ark4j bench --twins}: ark4j's nets against their PyTorch twins ({@code tools/torch_twins.py}). The twin must be
 * the same net (the comparison refuses one whose parameter count differs) and every operation must give a ratio of
 * two measured rates. Needs a Python with torch, as {@link PeerCrossCheckTest} does.
 */
class TorchTwinsTest {
    private static final Path TWINS = Path.of("tools/torch_twins.py");

    private static String python() {
        String python = System.getenv().getOrDefault("ARK4J_PEER_PYTHON", ".venv-peer/bin/python");
        assumeTrue(Files.isExecutable(Path.of(python)) || System.getenv("ARK4J_REQUIRE_PEER") != null,
                "no PyTorch peer (" + python + "): run tools/peer.sh --setup");
        return python;
    }

    @Test
    void eachOfTheThreeNetsHasATwinWithItsParametersAndEveryOperationARatio() throws IOException {
        String python = python();
        for (Architecture a : List.of(Architecture.PAPERNOT_MNIST, Architecture.PAPERNOT_CIFAR10, Architecture.LENET5)) {
            List<TorchPeer.Ratio> ratios = TorchPeer.twinRatios(python, TWINS, a, new TorchPeer.Alternation(1, 1, 0));
            assertEquals(List.of("train", "infer", "grad", "jac_loop"), ratios.stream().map(r -> r.operation().substring(a.cliName().length() + 1)).toList());
            for (TorchPeer.Ratio r : ratios) {
                assertTrue(r.arkSamplesPerSecond() > 0 && r.torchSamplesPerSecond() > 0, r.markdown());
                assertEquals(r.arkSamplesPerSecond() / r.torchSamplesPerSecond(), r.medianRatio(), 1e-9, r.markdown());
                assertTrue(r.arkPeakRssMiB() > 0 && r.torchPeakRssMiB() > 0, r.markdown());
            }
        }
    }

    @Test
    void aTwinOfAnotherSizeIsRefused() {
        IOException e = assertThrows(IOException.class, () -> TorchPeer.checkTwin("lenet5", 61706, "READY parameters=12"));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("lenet5"), e.getMessage());
        assertThrows(IOException.class, () -> TorchPeer.checkTwin("lenet5", 61706, "READY"));
    }

    @Test
    void anAlternationWithoutPairsOrWithANegativeWarmUpIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TorchPeer.Alternation(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TorchPeer.Alternation(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TorchPeer.Alternation(1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TorchPeer.Alternation(1, 1, Double.NaN));
    }
}
