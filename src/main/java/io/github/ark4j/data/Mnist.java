package io.github.ark4j.data;

import io.github.ark4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MNIST (LeCun, Cortes, Burges) from its official IDX files: {@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}.
 * Pixels are scaled by 1/255 to [0,1] float32, shape [n, 1, 28, 28].
 */
public final class Mnist {
    public static final int CLASSES = 10;
    public static final int FULL_TRAIN_SIZE = 60_000;
    public static final int FULL_TEST_SIZE = 10_000;
    private static final AtomicBoolean SUBSET_ANNOUNCED = new AtomicBoolean();

    public enum Split {
        TRAIN("train"), TEST("t10k");
        final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private Mnist() {
    }

    /** Reads a split from {@code <data root>/mnist}, with the root from {@link DataDirectory#resolve()}. */
    public static LabeledImages load(Split split) throws DataFormatException {
        return load(DataDirectory.folder("mnist"), split);
    }

    /** Reads a split from a folder holding the IDX files (gzip or not). */
    public static LabeledImages load(Path folder, Split split) throws DataFormatException {
        Path images = find(folder, split.prefix + "-images-idx3-ubyte");
        Path labels = find(folder, split.prefix + "-labels-idx1-ubyte");
        int[] y = Idx.read(labels, Idx.LABELS_MAGIC, (dims, total, bytes) -> {
            byte[] raw = new byte[(int) total];
            bytes.next(raw, raw.length);
            int[] classes = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                classes[i] = raw[i] & 0xff;
                if (classes[i] >= CLASSES) {
                    throw new DataFormatException(labels, "label " + i + " is " + classes[i] + ", expected 0..9");
                }
            }
            return classes;
        });
        // streamed in chunks into the array's off-heap memory: the whole file's bytes on the Java heap (47 MB for the
        // training images) would stay resident with the heap they grew
        INDArray x = Idx.read(images, Idx.IMAGES_MAGIC, (dims, total, bytes) -> {
            if (dims.length != 3 || dims[1] != 28 || dims[2] != 28) {
                throw new DataFormatException(images, "expected images of 28x28 pixels, header says " + java.util.Arrays.toString(dims));
            }
            if (dims[0] != y.length) {
                throw new DataFormatException(labels, "holds " + y.length + " labels but " + images.getFileName() + " holds " + dims[0]
                        + " images: counts must match");
            }
            UnitPixels pixels = new UnitPixels(dims[0], 1, 28, 28);
            byte[] chunk = new byte[1 << 16];
            for (long at = 0; at < total; at += chunk.length) {
                int count = (int) Math.min(chunk.length, total - at);
                bytes.next(chunk, count);
                pixels.put(chunk, 0, count, at);
            }
            return pixels.array();
        });
        int n = y.length;
        int full = split == Split.TRAIN ? FULL_TRAIN_SIZE : FULL_TEST_SIZE;
        if (n < full && SUBSET_ANNOUNCED.compareAndSet(false, true)) {
            Progress.log("ark4j: MNIST in " + folder + " is a subset (" + n + " " + split.name().toLowerCase()
                    + " images), not the full dataset; set ARK4J_DATA or -Dark4j.data to a folder with the full files (see README)");
        }
        return new LabeledImages("mnist-" + split.name().toLowerCase() + " (" + n + " images)",
                x, y, CLASSES);
    }

    /** True when the folder holds all four files. */
    public static boolean present(Path folder) {
        for (Split s : Split.values()) {
            for (String kind : new String[]{"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
                String base = s.prefix + kind;
                if (!Files.exists(folder.resolve(base)) && !Files.exists(folder.resolve(base + ".gz"))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Path find(Path folder, String base) throws DataFormatException {
        Path gz = folder.resolve(base + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        Path plain = folder.resolve(base);
        if (Files.exists(plain)) {
            return plain;
        }
        throw new DataFormatException(gz, "missing MNIST file: put " + base + ".gz (or the gunzipped " + base
                + ") in " + folder.toAbsolutePath() + ", or run `ark4j download mnist`, or set ARK4J_DATA to a folder whose mnist/ holds it");
    }
}
