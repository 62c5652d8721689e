package io.github.ark4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class Cifar10Test {

    /** Writes a batch file of n records: label i % 10, red plane = i, green = 100 + p % 50, blue = 255. */
    static void writeBatch(Path file, int n) throws IOException {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            int off = i * Cifar10.RECORD;
            b[off] = (byte) (i % 10);
            for (int p = 0; p < 1024; p++) {
                b[off + 1 + p] = (byte) i;
                b[off + 1 + 1024 + p] = (byte) (100 + p % 50);
                b[off + 1 + 2048 + p] = (byte) 255;
            }
        }
        Files.write(file, b);
    }

    @Test
    void recordsMapToNchwPlanes(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        writeBatch(bin.resolve("test_batch.bin"), 12);
        LabeledImages t = Cifar10.load(dir, Cifar10.Split.TEST);
        assertArrayEquals(new long[]{12, 3, 32, 32}, t.features().shape());
        assertEquals(7, t.label(7));
        assertEquals(7 / 255f, t.features().getFloat(7, 0, 5, 9), 0f);
        assertEquals((100 + (5 * 32 + 9) % 50) / 255f, t.features().getFloat(7, 1, 5, 9), 0f);
        assertEquals(1f, t.features().getFloat(7, 2, 31, 31), 0f);
    }

    @Test
    void recordOfTheWrongLength(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Path f = bin.resolve("test_batch.bin");
        writeBatch(f, 3);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 7));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, Cifar10.Split.TEST));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("3073-byte records"), e.getMessage());
    }

    @Test
    void missingDataSaysWhatToPutWhere(@TempDir Path dir) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, Cifar10.Split.TRAIN));
        assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz") && e.getMessage().contains("cifar-10-batches-bin"), e.getMessage());
    }

    @Test
    void missingBatchInExtractedFolder(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        writeBatch(bin.resolve("data_batch_1.bin"), 2);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, Cifar10.Split.TRAIN));
        assertTrue(e.getMessage().contains("data_batch_2.bin"), e.getMessage());
    }

    @Test
    void truncatedArchive(@TempDir Path dir) throws IOException {
        Path real = DataDirectory.resolve().resolve("cifar-10").resolve(Cifar10.ARCHIVE);
        assumeTrue(Files.exists(real), "CIFAR-10 archive not configured (set ARK4J_DATA)");
        byte[] head = new byte[2_000_000];
        try (var in = Files.newInputStream(real)) {
            in.readNBytes(head, 0, head.length);
        }
        Files.write(dir.resolve(Cifar10.ARCHIVE), head);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, Cifar10.Split.TEST));
        assertTrue(e.getMessage().contains(Cifar10.ARCHIVE), e.getMessage());
    }

    @Test
    void readsTheRealArchive() throws IOException {
        Path folder = DataDirectory.resolve().resolve("cifar-10");
        assumeTrue(Cifar10.present(folder), "CIFAR-10 not configured (set ARK4J_DATA)");
        LabeledImages test = Cifar10.load(folder, Cifar10.Split.TEST);
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, test.classCounts());
        double mean = test.features().meanNumber().doubleValue();
        assertEquals(0.47, mean, 0.02);
    }
}
