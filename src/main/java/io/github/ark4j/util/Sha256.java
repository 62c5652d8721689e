package io.github.ark4j.util;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 content hashes, in lower-case hex: the keys of the model and stage caches and the downloads' checksums. */
public final class Sha256 {
    /** Rows hashed per step of {@link #of(INDArray)}: bounds the copy made of a view to a few megabytes. */
    private static final long ROWS_PER_STEP = 1024;

    private Sha256() {
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The hash of an array's type, shape and every value in row-major order (native byte order), whatever its
     * ordering or whether it is a view: two arrays with the same type, shape and values hash alike.
     */
    public static String of(INDArray x) {
        MessageDigest md = digest();
        md.update((x.dataType() + java.util.Arrays.toString(x.shape())).getBytes(StandardCharsets.UTF_8));
        long rows = x.rank() == 0 ? 1 : x.size(0);
        for (long start = 0; start < rows; start += ROWS_PER_STEP) {
            INDArray part = x.rank() == 0 ? x : x.get(NDArrayIndex.interval(start, Math.min(rows, start + ROWS_PER_STEP)));
            INDArray c = part.dup('c');
            ByteBuffer view = c.data().asNio().order(ByteOrder.nativeOrder()).duplicate();
            view.position(0).limit((int) (c.length() * c.dataType().width()));
            md.update(view);
            // the view does not hold c, whose native memory it reads: c must stay reachable until it is hashed
            Reference.reachabilityFence(c);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
