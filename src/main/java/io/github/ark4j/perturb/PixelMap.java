package io.github.ark4j.perturb;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A linear map of an H×W image's pixels, out = M·in with M of shape [H·W, H·W], shared by every channel and every
 * image of a batch: one matrix product per batch. Geometric transforms build M by inverse mapping with bilinear
 * interpolation: output pixel (r, c) samples the input at the source point T⁻¹(r, c), and neighbours outside the
 * image contribute black. Building M loops over the H·W output pixels once per transform, not per image.
 */
public final class PixelMap {
    private final int height;
    private final int width;
    private final INDArray transposed; // Mᵀ, [H·W, H·W], so that rows of pixels times Mᵀ are mapped rows

    private PixelMap(int height, int width, float[][] m) {
        this.height = height;
        this.width = width;
        this.transposed = Nd4j.createFromArray(m).transpose().dup();
    }

    /** Source point of an output pixel: {row, column} in input coordinates. */
    private interface Inverse {
        double[] source(double row, double col);
    }

    private static PixelMap sampling(int h, int w, Inverse inverse) {
        float[][] m = new float[h * w][h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double[] s = inverse.source(r, c);
                int r0 = (int) Math.floor(s[0]);
                int c0 = (int) Math.floor(s[1]);
                double fr = s[0] - r0;
                double fc = s[1] - c0;
                int out = r * w + c;
                add(m, out, h, w, r0, c0, (1 - fr) * (1 - fc));
                add(m, out, h, w, r0, c0 + 1, (1 - fr) * fc);
                add(m, out, h, w, r0 + 1, c0, fr * (1 - fc));
                add(m, out, h, w, r0 + 1, c0 + 1, fr * fc);
            }
        }
        return new PixelMap(h, w, m);
    }

    private static void add(float[][] m, int out, int h, int w, int r, int c, double weight) {
        if (r >= 0 && r < h && c >= 0 && c < w && weight > 1e-9) {
            m[out][r * w + c] += (float) weight;
        }
    }

    /** Counter-clockwise rotation by {@code degrees} about the image centre. */
    public static PixelMap rotation(int h, int w, double degrees) {
        double a = Math.toRadians(degrees);
        double cr = (h - 1) / 2.0;
        double cc = (w - 1) / 2.0;
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        // rows grow downwards, so a counter-clockwise turn on screen samples the source rotated the other way
        return sampling(h, w, (r, c) -> new double[]{cr + cos * (r - cr) + sin * (c - cc), cc - sin * (r - cr) + cos * (c - cc)});
    }

    /** Zoom by {@code factor} about the centre. */
    public static PixelMap scaling(int h, int w, double factor) {
        double cr = (h - 1) / 2.0;
        double cc = (w - 1) / 2.0;
        return sampling(h, w, (r, c) -> new double[]{cr + (r - cr) / factor, cc + (c - cc) / factor});
    }

    /** Shift by (dRows, dCols) pixels (fractional shifts interpolate). */
    public static PixelMap translation(int h, int w, double dRows, double dCols) {
        return sampling(h, w, (r, c) -> new double[]{r - dRows, c - dCols});
    }

    /** Area-average downsampling by {@code k} followed by bilinear upsampling back to H×W (half-pixel centres). */
    public static PixelMap downsampling(int h, int w, int k) {
        int hs = h / k;
        int ws = w / k;
        float[][] down = new float[hs * ws][h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                down[(r / k) * ws + c / k][r * w + c] = 1f / (k * k);
            }
        }
        float[][] up = new float[h * w][hs * ws];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double sr = Math.min(Math.max((r + 0.5) / k - 0.5, 0), hs - 1);
                double sc = Math.min(Math.max((c + 0.5) / k - 0.5, 0), ws - 1);
                int r0 = (int) Math.floor(sr);
                int c0 = (int) Math.floor(sc);
                int r1 = Math.min(r0 + 1, hs - 1);
                int c1 = Math.min(c0 + 1, ws - 1);
                double fr = sr - r0;
                double fc = sc - c0;
                int out = r * w + c;
                up[out][r0 * ws + c0] += (float) ((1 - fr) * (1 - fc));
                up[out][r0 * ws + c1] += (float) ((1 - fr) * fc);
                up[out][r1 * ws + c0] += (float) (fr * (1 - fc));
                up[out][r1 * ws + c1] += (float) (fr * fc);
            }
        }
        INDArray m = Nd4j.createFromArray(up).mmul(Nd4j.createFromArray(down));
        return new PixelMap(h, w, m.toFloatMatrix());
    }

    /** The matrix M, [H·W, H·W]. */
    public INDArray matrix() {
        return transposed.transpose();
    }

    /** Applies the map to every channel of every image of x [B, C, H, W]; values stay in [0,1] (weights sum to ≤ 1). */
    public INDArray apply(INDArray x) {
        if (x.size(2) != height || x.size(3) != width) {
            throw new IllegalArgumentException("x must hold " + height + "x" + width + " images, got " + x.size(2) + "x" + x.size(3));
        }
        INDArray rows = x.castTo(DataType.FLOAT).reshape('c', x.size(0) * x.size(1), (long) height * width);
        return NaturalPerturbation.clip(rows.mmul(transposed).reshape('c', x.shape()));
    }
}
