package io.github.ark4j.eval;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.attack.Fgsm;
import io.github.ark4j.attack.Jsma;
import io.github.ark4j.data.DataDirectory;
import io.github.ark4j.data.LabeledImages;
import io.github.ark4j.data.Mnist;
import io.github.ark4j.model.Architecture;
import io.github.ark4j.model.NetworkClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ark4j against PyTorch 2.13 on the same weights: the PyTorch twin of the Papernot MNIST net (the peer script) trains
 * one epoch from its seeded initial weights, ark4j imports them ({@link TorchPeer#load}), and on the first 128 test
 * images both compute the logits, the loss gradient and the logit Jacobian; from PyTorch's numbers this test builds the
 * FGSM images and JSMA-Z's first chosen pixel pair (the pair search of Papernot et al.'s Algorithm 3 written out here,
 * independently of {@link Jsma}) and compares them with what ark4j's attacks produce.
 *
 * <p>Needs a Python with torch and numpy: {@code ARK4J_PEER_PYTHON}, else {@code .venv-peer/bin/python}
 * ({@code tools/peer.sh --setup} creates it), and the peer script ({@code ARK4J_PEER_SCRIPT}, else
 * {@code ../shared/peer/torch_reference.py}); skipped without them unless {@code ARK4J_REQUIRE_PEER} is set, as in CI.
 */
class PeerCrossCheckTest {
    private static final int BATCH = 128;

    @Test
    void fgsmImagesAndJsmaFirstPairsAgreeWithPyTorchOnTheSameWeights(@TempDir Path work) throws Exception {
        String python = System.getenv().getOrDefault("ARK4J_PEER_PYTHON", ".venv-peer/bin/python");
        Path script = Path.of(System.getenv().getOrDefault("ARK4J_PEER_SCRIPT", "../shared/peer/torch_reference.py"));
        Path trainImages = DataDirectory.folder("mnist").resolve("train-images-idx3-ubyte.gz");
        // the peer trains on 8,000 images: the embedded subset (6,000) is too small
        boolean present = Files.isExecutable(Path.of(python)) && Files.isRegularFile(script)
                && Files.exists(trainImages) && Files.size(trainImages) > 5_000_000;
        assumeTrue(present || System.getenv("ARK4J_REQUIRE_PEER") != null,
                "no PyTorch peer (" + python + ", " + script + ") or no full MNIST: run tools/peer.sh --setup, set ARK4J_DATA");

        TorchPeer peer = new TorchPeer(python, script, DataDirectory.folder("mnist"), work);
        Path weights = peer.trainedWeights(peer.initialWeights(), 1);
        TorchPeer.Agreement a = peer.agreement(weights);
        assertTrue(a.samePredictions(), "same predictions on the 128 images");
        assertTrue(a.logits() < 1e-5, "logits agree: " + a.logits());
        assertTrue(a.lossGradient() < 1e-4, "loss gradients agree: " + a.lossGradient());
        assertTrue(a.jacobian() < 1e-4, "Jacobians agree: " + a.jacobian());

        NetworkClassifier ours = new NetworkClassifier(TorchPeer.load(weights), Architecture.PAPERNOT_MNIST);
        LabeledImages batch = Mnist.load(work.resolve("mnist-raw"), Mnist.Split.TEST).first(BATCH);
        INDArray x = batch.features();
        Path dump = work.resolve("dump");

        // FGSM, ε 0.3: PyTorch's image from its loss gradient (of the batch mean: the same sign per pixel)
        INDArray torchGrad = Npy.read(dump.resolve("grad.npy")).castTo(DataType.FLOAT);
        INDArray torchFgsm = Transforms.min(Transforms.max(x.add(Transforms.sign(torchGrad).mul(0.3f)), 0f), 1f);
        AttackResult fgsm = Fgsm.builder().epsilon(0.3).build().run(ours, x, batch.labels());
        double samePixels = fgsm.adversarial().castTo(DataType.FLOAT).eq(torchFgsm).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertTrue(samePixels >= 0.999, String.format(Locale.ROOT, "FGSM images: %.4f%% of the pixels equal PyTorch's", 100 * samePixels));

        // JSMA-Z, θ = +1: the first pair, from PyTorch's Jacobian, against ark4j's attack limited to one pair (γ = 2/784)
        INDArray torchJacobian = Npy.read(dump.resolve("jac_loop.npy")).castTo(DataType.DOUBLE); // [10, 128, 1, 28, 28]
        int[] targets = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            targets[i] = (batch.label(i) + 1) % 10;
        }
        AttackResult one = Jsma.builder().gamma(2.0 / 784).build().run(ours, x, batch.labels(), targets);
        INDArray changed = Transforms.abs(one.adversarial().sub(x), true).reshape(BATCH, 784);
        int agree = 0;
        int compared = 0;
        for (int i = 0; i < BATCH; i++) {
            if (one.before()[i] != batch.label(i)) {
                continue;
            }
            compared++;
            int[] expected = firstPair(torchJacobian, x.reshape(BATCH, 784).getRow(i).toDoubleVector(), i, targets[i]);
            double[] d = changed.getRow(i).toDoubleVector();
            if (expected.length == 2 && d[expected[0]] > 1e-6 && d[expected[1]] > 1e-6 && one.l0()[i] == 2) {
                agree++;
            }
        }
        assertTrue(compared >= 100, "at least 100 correctly classified images, got " + compared);
        assertEquals(compared, agree, "JSMA-Z's first pair equals the pair PyTorch's Jacobian selects on every image");
    }

    /**
     * Algorithm 3's pair for θ = +1 on one image: over the pixels below 1, the pair (p, q) maximising −α·β with α > 0 and
     * β < 0, α = Σ_{p,q} ∂Z_t/∂x, β = Σ_{p,q} Σ_{j≠t} ∂Z_j/∂x; empty when no pair is admissible.
     */
    static int[] firstPair(INDArray jacobian, double[] pixels, int image, int target) {
        int n = pixels.length;
        double[] alpha = new double[n];
        double[] beta = new double[n];
        for (int j = 0; j < 10; j++) {
            double[] g = jacobian.get(org.nd4j.linalg.indexing.NDArrayIndex.point(j), org.nd4j.linalg.indexing.NDArrayIndex.point(image))
                    .reshape(n).toDoubleVector();
            for (int p = 0; p < n; p++) {
                if (j == target) {
                    alpha[p] += g[p];
                } else {
                    beta[p] += g[p];
                }
            }
        }
        double best = 0;
        int[] pair = new int[0];
        for (int p = 0; p < n; p++) {
            if (pixels[p] >= 1) {
                continue;
            }
            for (int q = p + 1; q < n; q++) {
                if (pixels[q] >= 1) {
                    continue;
                }
                double a = alpha[p] + alpha[q];
                double b = beta[p] + beta[q];
                if (a > 0 && b < 0 && -a * b > best) {
                    best = -a * b;
                    pair = new int[]{p, q};
                }
            }
        }
        return pair;
    }
}
