package io.github.ark4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST (LeCun et al.): a big-endian magic number 0x0000_08_NN (unsigned bytes,
 * NN dimensions), NN big-endian int32 dimensions, then the raw bytes. Gzip-compressed files ({@code .gz}) are
 * read through a {@link GZIPInputStream}.
 */
final class Idx {
    /** Magic number of an MNIST image file (ubyte, 3 dimensions). */
    static final int IMAGES_MAGIC = 2051;
    /** Magic number of an MNIST label file (ubyte, 1 dimension). */
    static final int LABELS_MAGIC = 2049;

    private Idx() {
    }

    /** What a caller makes of an IDX file's payload once the header is read. */
    interface Payload<T> {
        /** Reads the payload, {@code total} bytes (the product of {@code dims}), in order through {@code bytes}. */
        T read(int[] dims, long total, Bytes bytes) throws IOException;
    }

    /** A payload's bytes, in order. */
    interface Bytes {
        /** Fills {@code buffer[0, count)} with the next bytes; fails, naming the file, where the payload ends early. */
        void next(byte[] buffer, int count) throws IOException;
    }

    /**
     * Reads the header of {@code file}, checks its magic number and lets {@code payload} read the data; fails, naming
     * the file, on a truncated payload or bytes after it. Nothing of the payload is held here: a caller may stream it
     * into its own storage.
     */
    static <T> T read(Path file, int expectedMagic, Payload<T> payload) throws DataFormatException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(
                     file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new DataFormatException(file, "empty or truncated file: no IDX header");
            }
            if (magic != expectedMagic) {
                throw new DataFormatException(file, String.format(
                        "wrong magic number %d (0x%08x), expected %d (0x%08x) for an IDX %s file",
                        magic, magic, expectedMagic, expectedMagic, expectedMagic == IMAGES_MAGIC ? "image" : "label"));
            }
            int[] dims = new int[magic & 0xff];
            long total = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new DataFormatException(file, "negative dimension " + dims[i] + " in the IDX header");
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new DataFormatException(file, "IDX payload of " + total + " bytes is too large");
            }
            long promised = total;
            long[] delivered = {0};
            T result = payload.read(dims, total, (buffer, count) -> {
                int read = in.readNBytes(buffer, 0, count);
                delivered[0] += read;
                if (read < count) {
                    throw new DataFormatException(file, "truncated: the header promises " + promised + " data bytes but only "
                            + delivered[0] + " are present");
                }
            });
            if (in.read() != -1) {
                throw new DataFormatException(file, "trailing bytes after the " + total + " data bytes the header promises");
            }
            return result;
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found", e);
        } catch (EOFException e) {
            throw new DataFormatException(file, "truncated file: unexpected end of data (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new DataFormatException(file, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e, e);
        }
    }
}
