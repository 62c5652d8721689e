package io.github.ark4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MnistTest {
    static final Path EMBEDDED = Paths.get("data", "mnist");

    @Test
    void readsTheEmbeddedSubsetExactly() throws IOException {
        LabeledImages train = Mnist.load(EMBEDDED, Mnist.Split.TRAIN);
        LabeledImages test = Mnist.load(EMBEDDED, Mnist.Split.TEST);
        assertEquals(6000, train.size());
        assertEquals(1000, test.size());
        assertArrayEquals(new long[]{6000, 1, 28, 28}, train.features().shape());
        // the official files start with a 5 (train) and a 7 (test)
        assertEquals(5, train.label(0));
        assertEquals(7, test.label(0));
        assertEquals(0.0, train.features().minNumber().doubleValue());
        assertEquals(1.0, train.features().maxNumber().doubleValue());
        // pixel 15*28+10 of the first training digit is official byte 0x..: compare with the raw file
        byte[] raw = gunzip(EMBEDDED.resolve("train-images-idx3-ubyte.gz"));
        for (int p : new int[]{0, 300, 406, 783}) {
            assertEquals((raw[16 + p] & 0xff) / 255f, train.features().getFloat(0, 0, p / 28, p % 28), 0f);
        }
        // every pixel, across the pieces the loader streams the file in
        float[] expected = new float[raw.length - 16];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (raw[16 + i] & 0xff) / 255f;
        }
        assertArrayEquals(expected, train.features().dup('c').data().asFloat());
        assertEquals(0.1307, train.features().meanNumber().doubleValue(), 0.005);
    }

    @Test
    void readsTheFullDatasetWhenConfigured() throws IOException {
        Path full = DataDirectory.resolve().resolve("mnist");
        assumeTrue(Files.exists(full.resolve("train-images-idx3-ubyte.gz")) && !full.normalize().equals(EMBEDDED.normalize()),
                "full MNIST not configured (set ARK4J_DATA)");
        LabeledImages train = Mnist.load(full, Mnist.Split.TRAIN);
        LabeledImages test = Mnist.load(full, Mnist.Split.TEST);
        assertArrayEquals(new int[]{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.classCounts());
        assertArrayEquals(new int[]{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.classCounts());
        assertEquals(0.1307, train.features().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber().doubleValue(), 1e-4);
        // the embedded subset is the prefix of the full files, bit for bit
        LabeledImages sub = Mnist.load(EMBEDDED, Mnist.Split.TEST);
        assertEquals(sub.features(), test.first(1000).features());
        assertSame(sub, sub.first(Integer.MAX_VALUE), "all of a set is the set itself, under its own name");
        assertEquals(sub.name() + "[0:10]", sub.first(10).name());
    }

    @Test
    void truncatedGzipNamesTheFile(@TempDir Path dir) throws IOException {
        copyEmbedded(dir);
        Path f = dir.resolve("t10k-images-idx3-ubyte.gz");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void truncatedPayloadSaysHowManyBytesWereExpected(@TempDir Path dir) throws IOException {
        copyEmbedded(dir);
        Path f = dir.resolve("t10k-images-idx3-ubyte.gz");
        byte[] raw = gunzip(f);
        gzip(f, java.util.Arrays.copyOf(raw, raw.length - 100));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertTrue(e.getMessage().contains("784000"), e.getMessage());
    }

    @Test
    void wrongMagicNumber(@TempDir Path dir) throws IOException {
        copyEmbedded(dir);
        Path f = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] raw = gunzip(f);
        ByteBuffer.wrap(raw).putInt(0, 2051);
        gzip(f, raw);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("magic number 2051") && e.getMessage().contains("expected 2049"), e.getMessage());
    }

    @Test
    void imageLabelCountMismatch(@TempDir Path dir) throws IOException {
        copyEmbedded(dir);
        Path f = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] raw = gunzip(f);
        byte[] shorter = java.util.Arrays.copyOf(raw, raw.length - 10);
        ByteBuffer.wrap(shorter).putInt(4, 990);
        gzip(f, shorter);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertTrue(e.getMessage().contains("990 labels") && e.getMessage().contains("1000 images"), e.getMessage());
    }

    @Test
    void missingFileSaysWhereToPutIt(@TempDir Path dir) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("ARK4J_DATA"), e.getMessage());
    }

    @Test
    void notGzipAtAll(@TempDir Path dir) throws IOException {
        copyEmbedded(dir);
        Files.writeString(dir.resolve("t10k-images-idx3-ubyte.gz"), "<html>404 not found</html>");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertTrue(e.getMessage().contains("corrupt gzip"), e.getMessage());
    }

    static void copyEmbedded(Path dir) throws IOException {
        for (String f : new String[]{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(EMBEDDED.resolve(f), dir.resolve(f));
        }
    }

    static byte[] gunzip(Path f) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            return in.readAllBytes();
        }
    }

    static void gzip(Path f, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(data);
        }
        Files.write(f, bos.toByteArray());
    }
}
