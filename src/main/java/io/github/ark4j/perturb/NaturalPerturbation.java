package io.github.ark4j.perturb;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Locale;

/**
 * Natural (non-adversarial) perturbations of images in [0,1], each parameterised by one severity and applied to a
 * whole batch [B, C, H, W] at once; results stay in [0,1]. The geometric ones (rotation, scaling, translation,
 * downsampling) are one fixed linear map of the pixels ({@link PixelMap}), applied to the batch as a single matrix
 * product; brightness, contrast and noise are element-wise ND4J operations; JPEG goes through the JDK's codec
 * ({@link Jpeg}). Severity 0 (1 for scaling, contrast and downsampling, 100 for JPEG) leaves an image unchanged
 * (JPEG at quality 100 still rounds to 8 bits and subsamples nothing for grey images).
 */
public enum NaturalPerturbation {
    /** Rotation by {@code severity} degrees (counter-clockwise) about the centre, bilinear, black outside. */
    ROTATION("degrees", 0, 360) {
        @Override
        INDArray perturb(INDArray x, double degrees, long seed) {
            return PixelMap.rotation(height(x), width(x), degrees).apply(x);
        }
    },
    /** Zoom by factor {@code severity} about the centre (&lt; 1 shrinks, black border; &gt; 1 crops and enlarges). */
    SCALING("factor", 0.1, 10) {
        @Override
        INDArray perturb(INDArray x, double factor, long seed) {
            return PixelMap.scaling(height(x), width(x), factor).apply(x);
        }
    },
    /** Shift by {@code severity} pixels right and down (the image is cropped at the border, black fills in). */
    TRANSLATION("pixels", -64, 64) {
        @Override
        INDArray perturb(INDArray x, double pixels, long seed) {
            return PixelMap.translation(height(x), width(x), pixels, pixels).apply(x);
        }
    },
    /** Adds {@code severity} to every pixel, then clips. */
    BRIGHTNESS("delta", -1, 1) {
        @Override
        INDArray perturb(INDArray x, double delta, long seed) {
            return clip(x.add(delta));
        }
    },
    /** Scales each image's deviation from its own mean pixel value by {@code severity}, then clips. */
    CONTRAST("factor", 0, 10) {
        @Override
        INDArray perturb(INDArray x, double factor, long seed) {
            INDArray flat = x.reshape(x.size(0), -1);
            INDArray mean = flat.mean(1).reshape(x.size(0), 1);
            return clip(flat.subColumnVector(mean).muli(factor).addiColumnVector(mean).reshape(x.shape()));
        }
    },
    /** Adds independent N(0, severity²) noise to every pixel (seeded), then clips. */
    GAUSSIAN_NOISE("sigma", 0, 10) {
        @Override
        INDArray perturb(INDArray x, double sigma, long seed) {
            Nd4j.getRandom().setSeed(seed);
            return clip(Nd4j.randn(x.dataType(), x.shape()).muli(sigma).addi(x));
        }
    },
    /** JPEG compression at quality {@code severity} in [1, 100] and decoding back. */
    JPEG("quality", 1, 100) {
        @Override
        INDArray perturb(INDArray x, double quality, long seed) {
            return Jpeg.roundTrip(x, (float) (quality / 100.0));
        }
    },
    /** Downsampling by an integer factor {@code severity} (area average) and bilinear upsampling back. */
    DOWNSAMPLING("factor", 1, 16) {
        @Override
        INDArray perturb(INDArray x, double factor, long seed) {
            if (factor != Math.rint(factor) || height(x) % (int) factor != 0 || width(x) % (int) factor != 0) {
                throw new IllegalArgumentException("severity of DOWNSAMPLING must be an integer factor dividing the image size "
                        + height(x) + "x" + width(x) + ", got " + factor);
            }
            return PixelMap.downsampling(height(x), width(x), (int) factor).apply(x);
        }
    };

    private final String unit;
    private final double min;
    private final double max;

    NaturalPerturbation(String unit, double min, double max) {
        this.unit = unit;
        this.min = min;
        this.max = max;
    }

    abstract INDArray perturb(INDArray x, double severity, long seed);

    /** What the severity measures, e.g. "degrees". */
    public String unit() {
        return unit;
    }

    /** The perturbed batch (a new array). {@code seed} is used only by the random perturbations. */
    public INDArray apply(INDArray x, double severity, long seed) {
        if (x == null || x.rank() != 4) {
            throw new IllegalArgumentException("x must be a batch [B, C, H, W], got " + (x == null ? "null" : java.util.Arrays.toString(x.shape())));
        }
        if (Double.isNaN(severity) || severity < min || severity > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "severity of %s (%s) must be in [%s, %s], got %s", name(), unit, min, max, severity));
        }
        if (x.isNaN().any() || x.isInfinite().any()) {
            throw new IllegalArgumentException("x contains NaN or Inf values; expected pixels in [0, 1]");
        }
        double lo = x.minNumber().doubleValue();
        double hi = x.maxNumber().doubleValue();
        if (!(lo >= 0 && hi <= 1)) {
            throw new IllegalArgumentException("x must lie in [0, 1], got values in [" + lo + ", " + hi + "]");
        }
        return perturb(x.castTo(DataType.FLOAT), severity, seed);
    }

    /** "rotation 15 degrees". */
    public String describe(double severity) {
        return String.format(Locale.ROOT, "%s %s %s", name().toLowerCase(Locale.ROOT).replace('_', ' '), new java.text.DecimalFormat("0.###").format(severity), unit);
    }

    static int height(INDArray x) {
        return (int) x.size(2);
    }

    static int width(INDArray x) {
        return (int) x.size(3);
    }

    static INDArray clip(INDArray x) {
        return Transforms.min(Transforms.max(x, 0.0, false), 1.0, false);
    }
}
