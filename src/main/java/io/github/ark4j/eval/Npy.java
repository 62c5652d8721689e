package io.github.ark4j.eval;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files of little-endian float32 in C order (what the PyTorch peer writes), for comparing
 * ark4j with PyTorch on the same weights.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static INDArray read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 10 || buf.get() != (byte) 0x93 || buf.get() != 'N' || buf.get() != 'U' || buf.get() != 'M'
                || buf.get() != 'P' || buf.get() != 'Y') {
            throw new IOException(file + ": not a .npy file (expected the magic \\x93NUMPY)");
        }
        int major = buf.get();
        buf.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        byte[] header = new byte[headerLength];
        buf.get(header);
        String h = new String(header, StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, h, file, "descr");
        if (!descr.equals("<f4")) {
            throw new IOException(file + ": dtype " + descr + ", expected '<f4' (little-endian float32)");
        }
        if (find(ORDER, h, file, "fortran_order").equals("True")) {
            throw new IOException(file + ": Fortran order, expected C order");
        }
        long[] shape = Arrays.stream(find(SHAPE, h, file, "shape").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (buf.remaining() != 4 * n) {
            throw new IOException(file + ": " + buf.remaining() + " data bytes, expected " + 4 * n + " for shape " + Arrays.toString(shape));
        }
        float[] data = new float[(int) n];
        buf.asFloatBuffer().get(data);
        return Nd4j.create(data, shape, 'c');
    }

    private static String find(Pattern p, String header, Path file, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }
}
