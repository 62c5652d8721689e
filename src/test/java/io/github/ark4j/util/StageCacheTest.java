package io.github.ark4j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class StageCacheTest {
    static final StageCache.Codec<long[]> LONGS = new StageCache.Codec<>() {
        @Override
        public void write(long[] v, DataOutputStream out) throws IOException {
            out.writeInt(v.length);
            for (long x : v) {
                out.writeLong(x);
            }
        }

        @Override
        public long[] read(DataInputStream in) throws IOException {
            long[] v = new long[in.readInt()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readLong();
            }
            return v;
        }
    };

    @Test
    void aStageIsComputedOncePerKeyAndAgainWhenItsFileIsDamaged(@TempDir Path dir) throws IOException {
        StageCache cache = new StageCache(dir.resolve("stages"));
        AtomicInteger runs = new AtomicInteger();
        long[] first = cache.getOrCompute("seeds", "k1", LONGS, () -> new long[]{runs.incrementAndGet(), 7, 9});
        long[] again = cache.getOrCompute("seeds", "k1", LONGS, () -> new long[]{runs.incrementAndGet()});
        assertArrayEquals(new long[]{1, 7, 9}, first);
        assertArrayEquals(first, again, "the kept result, not a new computation");
        assertEquals(1, runs.get());
        assertArrayEquals(new long[]{2}, cache.getOrCompute("seeds", "k2", LONGS, () -> new long[]{runs.incrementAndGet()}), "another key");
        // a truncated file (a run killed while another process copied it, a full disk) is moved aside, computed again
        // and replaced
        Path file = cache.pathFor("seeds", "k1");
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 20));
        assertArrayEquals(new long[]{3}, cache.getOrCompute("seeds", "k1", LONGS, () -> new long[]{runs.incrementAndGet()}));
        assertArrayEquals(new long[]{3}, cache.getOrCompute("seeds", "k1", LONGS, () -> new long[]{runs.incrementAndGet()}));
        // one flipped bit in the content: the codec would read other numbers; the content hash tells
        byte[] b = Files.readAllBytes(file);
        b[b.length - 40] ^= 0x01;
        Files.write(file, b);
        assertArrayEquals(new long[]{4}, cache.getOrCompute("seeds", "k1", LONGS, () -> new long[]{runs.incrementAndGet()}));
        try (var files = Files.list(dir.resolve("stages"))) {
            assertEquals(List.of(file.getFileName() + ".corrupt", file.getFileName() + ".corrupt-2", cache.pathFor("seeds", "k2").getFileName().toString(),
                            file.getFileName().toString()).stream().sorted().toList(),
                    files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(EntryLock.LOCKS)).sorted().toList(),
                    "both damaged files kept aside, no temporary file left");
        }
    }

    @Test
    void theCodeFingerprintIsStableWithinABuild() {
        assertEquals(16, StageCache.codeFingerprint().length());
        assertEquals(StageCache.codeFingerprint(), StageCache.codeFingerprint());
    }

    @Test
    void fingerprintSeesValuesShapeTypeAndNotLayout() {
        INDArray a = Nd4j.arange(12).reshape(3, 4).castTo(DataType.FLOAT);
        String fa = Sha256.of(a);
        assertEquals(fa, Sha256.of(a.dup('f')), "the same values in column-major order");
        assertEquals(fa, Sha256.of(Nd4j.arange(24).reshape(2, 3, 4).castTo(DataType.FLOAT).get(
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).reshape(3, 4)), "a view of the same values");
        INDArray b = a.dup();
        b.putScalar(2, 3, 11.5f);
        assertNotEquals(fa, Sha256.of(b));
        assertNotEquals(fa, Sha256.of(a.reshape(4, 3)));
        assertNotEquals(fa, Sha256.of(a.castTo(DataType.DOUBLE)));
    }
}
