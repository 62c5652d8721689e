package io.github.ark4j.data;

import io.github.ark4j.util.Progress;

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
        Idx.Contents img = Idx.read(images, Idx.IMAGES_MAGIC);
        Idx.Contents lab = Idx.read(labels, Idx.LABELS_MAGIC);
        if (img.dims().length != 3 || img.dims()[1] != 28 || img.dims()[2] != 28) {
            throw new DataFormatException(images, "expected images of 28x28 pixels, header says " + java.util.Arrays.toString(img.dims()));
        }
        int n = img.dims()[0];
        if (lab.dims()[0] != n) {
            throw new DataFormatException(labels, "holds " + lab.dims()[0] + " labels but " + images.getFileName() + " holds " + n + " images: counts must match");
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab.data()[i] & 0xff;
            if (y[i] >= CLASSES) {
                throw new DataFormatException(labels, "label " + i + " is " + y[i] + ", expected 0..9");
            }
        }
        UnitPixels x = new UnitPixels(n, 1, 28, 28);
        x.put(img.data(), 0, img.data().length, 0);
        int full = split == Split.TRAIN ? FULL_TRAIN_SIZE : FULL_TEST_SIZE;
        if (n < full && SUBSET_ANNOUNCED.compareAndSet(false, true)) {
            Progress.log("ark4j: MNIST in " + folder + " is a subset (" + n + " " + split.name().toLowerCase()
                    + " images), not the full dataset; set ARK4J_DATA or -Dark4j.data to a folder with the full files (see README)");
        }
        return new LabeledImages("mnist-" + split.name().toLowerCase() + " (" + n + " images)",
                x.array(), y, CLASSES);
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
