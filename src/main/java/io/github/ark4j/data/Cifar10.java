package io.github.ark4j.data;

import io.github.ark4j.util.Problems;


import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * CIFAR-10 (Krizhevsky 2009) from its official binary version: {@code cifar-10-binary.tar.gz} or the extracted
 * {@code cifar-10-batches-bin/} folder. Each batch file holds records of 1 label byte and 3,072 pixel bytes (the
 * red, green and blue 32x32 planes, row-major), which map directly to NCHW. Pixels are scaled by 1/255.
 */
public final class Cifar10 {
    public static final int CLASSES = 10;
    static final int RECORD = 1 + 3 * 32 * 32;
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    static final String FOLDER = "cifar-10-batches-bin";

    public enum Split {TRAIN, TEST}

    private Cifar10() {
    }

    /** Reads a split from {@code <data root>/cifar-10}, with the root from {@link DataDirectory#resolve()}. */
    public static LabeledImages load(Split split) throws DataFormatException {
        return load(DataDirectory.folder("cifar-10"), split);
    }

    /** Reads a split from a folder holding either the extracted {@code cifar-10-batches-bin/} or the archive. */
    public static LabeledImages load(Path folder, Split split) throws DataFormatException {
        return load(folder, split, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} images of a split, as {@code load(folder, split).first(limit)} gives them (same name, same
     * values) but reading and holding only those: from the extracted batches, only the files they are in (the quick
     * profile's 10,000 training images are the first file's 123 MB instead of the split's 614 MB).
     */
    public static LabeledImages load(Path folder, Split split, int limit) throws DataFormatException {
        List<String> names = split == Split.TRAIN
                ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin")
                : List.of("test_batch.bin");
        Map<String, byte[]> batches = new LinkedHashMap<>();
        Path extracted = folder.resolve(FOLDER);
        Path archive = folder.resolve(ARCHIVE);
        long total = 0;
        if (Files.isDirectory(extracted)) {
            for (String n : names) {
                Path f = extracted.resolve(n);
                try {
                    long size = Files.size(f);
                    if (total < limit) {
                        batches.put(n, Files.readAllBytes(f));
                    }
                    total += size / RECORD;
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new DataFormatException(f, "missing CIFAR-10 batch file " + n, e);
                } catch (IOException e) {
                    throw new DataFormatException(f, "cannot read: " + Problems.describe(e), e);
                }
                if (batches.containsKey(n)) {
                    checkRecords(f, batches.get(n));
                }
            }
        } else if (Files.exists(archive)) {
            Set<String> seen = new HashSet<>();
            total = readArchive(archive, names, batches, seen, limit);
            for (String n : names) {
                if (!seen.contains(n)) {
                    throw new DataFormatException(archive, "archive has no member " + FOLDER + "/" + n);
                }
            }
        } else {
            throw new DataFormatException(archive, "missing CIFAR-10: put " + ARCHIVE + " or the extracted " + FOLDER
                    + "/ in " + folder.toAbsolutePath() + ", or run `ark4j download cifar10`, or set ARK4J_DATA to a folder whose cifar-10/ holds it");
        }
        int n = (int) Math.min(limit, batches.values().stream().mapToInt(b -> b.length / RECORD).sum());
        UnitPixels x = new UnitPixels(n, 3, 32, 32);
        int[] y = new int[n];
        int r = 0;
        for (Map.Entry<String, byte[]> e : batches.entrySet()) {
            byte[] b = e.getValue();
            for (int off = 0; off < b.length && r < n; off += RECORD, r++) {
                y[r] = b[off] & 0xff;
                if (y[r] >= CLASSES) {
                    throw new DataFormatException(folder.resolve(e.getKey()), "record " + (off / RECORD) + " has label " + y[r] + ", expected 0..9");
                }
                x.put(b, off + 1, RECORD - 1, (long) r * (RECORD - 1));
            }
        }
        return new LabeledImages("cifar10-" + split.name().toLowerCase() + " (" + total + " images)" + (n < total ? "[0:" + n + "]" : ""),
                x.array(), y, CLASSES);
    }

    /**
     * Whether the folder holds the official files: "official" when its archive's SHA-256 is the published one,
     * "unofficial copy" when it differs (e.g. a re-encoding), "unverified" without the archive (extracted batches).
     */
    public static String provenance(Path folder) {
        Path archive = folder.resolve(ARCHIVE);
        if (!Files.exists(archive)) {
            return "unverified";
        }
        try {
            return Downloader.sha256(archive).equals(Downloader.CIFAR10.get(0).sha256()) ? "official" : "unofficial copy";
        } catch (java.io.IOException e) {
            return "unreadable archive";
        }
    }

    /** True when the folder holds the archive or the extracted batches. */
    public static boolean present(Path folder) {
        return Files.isDirectory(folder.resolve(FOLDER)) || Files.exists(folder.resolve(ARCHIVE));
    }

    private static void checkRecords(Path file, byte[] bytes) throws DataFormatException {
        if (bytes.length == 0 || bytes.length % RECORD != 0) {
            throw new DataFormatException(file, "holds " + bytes.length + " bytes, not a whole number of " + RECORD
                    + "-byte records (1 label byte + 3072 pixel bytes); the file is truncated or a record has the wrong length");
        }
    }

    /**
     * Reads the wanted members of a (gzipped) POSIX tar: 512-byte headers, octal sizes, data padded to 512. Members after
     * the first {@code limit} records are counted, not kept; returns the records of all wanted members.
     */
    private static long readArchive(Path archive, List<String> wanted, Map<String, byte[]> out, Set<String> seen, int limit)
            throws DataFormatException {
        long total = 0;
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            byte[] header = new byte[512];
            while (true) {
                int got = in.readNBytes(header, 0, 512);
                if (got == 0) {
                    break;
                }
                if (got < 512) {
                    throw new DataFormatException(archive, "truncated tar header");
                }
                if (header[0] == 0) {
                    break; // end-of-archive marker
                }
                String name = cString(header, 0, 100);
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(cString(header, 124, 12).trim().isEmpty() ? "0" : cString(header, 124, 12).trim(), 8);
                long padded = (size + 511) / 512 * 512;
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (wanted.contains(base) && name.contains(FOLDER)) {
                    seen.add(base);
                }
                if (wanted.contains(base) && name.contains(FOLDER) && total >= limit) {
                    total += size / RECORD;
                    in.skipNBytes(padded);
                } else if (wanted.contains(base) && name.contains(FOLDER)) {
                    byte[] data = in.readNBytes((int) size);
                    if (data.length < size) {
                        throw new DataFormatException(archive, "truncated: member " + name + " should hold " + size + " bytes, got " + data.length);
                    }
                    checkRecords(archive.resolve(name), data);
                    out.put(base, data);
                    total += size / RECORD;
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataFormatException(archive, "file not found", e);
        } catch (ZipException e) {
            throw new DataFormatException(archive, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new DataFormatException(archive, "truncated archive: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new DataFormatException(archive, "not a tar archive (bad header size field)", e);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(archive, "cannot read: " + Problems.describe(e), e);
        }
        return total;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
}
