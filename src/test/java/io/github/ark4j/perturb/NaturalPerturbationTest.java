package io.github.ark4j.perturb;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.*;

/** Each perturbation against what it must do to known images. */
class NaturalPerturbationTest {

    private static INDArray images(int b, int c, int h, int w, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, b, c, h, w);
    }

    /** Smooth images (slow sine waves), the kind JPEG is made for. */
    private static INDArray smooth(int b, int c, int h, int w) {
        INDArray x = Nd4j.create(DataType.FLOAT, b, c, h, w);
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < c; k++) {
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < w; col++) {
                        x.putScalar(new int[]{i, k, r, col}, 0.5 + 0.4 * Math.sin(r / (3.0 + i) + col / (5.0 + k) + i + k));
                    }
                }
            }
        }
        return x;
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b), false).maxNumber().doubleValue();
    }

    @Test
    void neutralSeveritiesLeaveImagesUnchanged() {
        INDArray x = images(3, 3, 8, 8, 1);
        assertEquals(0, maxDiff(x, NaturalPerturbation.ROTATION.apply(x, 0, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.SCALING.apply(x, 1, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.TRANSLATION.apply(x, 0, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.BRIGHTNESS.apply(x, 0, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.CONTRAST.apply(x, 1, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.GAUSSIAN_NOISE.apply(x, 0, 0)), 1e-6);
        assertEquals(0, maxDiff(x, NaturalPerturbation.DOWNSAMPLING.apply(x, 1, 0)), 1e-6);
    }

    @Test
    void rotationByQuarterTurnsIsExactAndCounterClockwise() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 5, 5);
        x.putScalar(new int[]{0, 0, 0, 4}, 1f); // top-right corner
        INDArray r = NaturalPerturbation.ROTATION.apply(x, 90, 0);
        assertEquals(1, r.getDouble(0, 0, 0, 0), 1e-5, "counter-clockwise: top-right goes to top-left");
        assertEquals(1, r.sumNumber().doubleValue(), 1e-5);
        INDArray y = images(2, 1, 6, 6, 2);
        INDArray four = y;
        for (int i = 0; i < 4; i++) {
            four = NaturalPerturbation.ROTATION.apply(four, 90, 0);
        }
        assertEquals(0, maxDiff(y, four), 1e-5, "four quarter turns are the identity on a square image");
    }

    @Test
    void translationShiftsPixelsAndFillsBlack() {
        INDArray x = images(2, 1, 6, 6, 3);
        INDArray t = NaturalPerturbation.TRANSLATION.apply(x, 2, 0);
        assertEquals(0, maxDiff(x.get(all(), all(), interval(0, 4), interval(0, 4)), t.get(all(), all(), interval(2, 6), interval(2, 6))), 1e-6);
        assertEquals(0, t.get(all(), all(), interval(0, 2), all()).sumNumber().doubleValue(), 0);
        assertEquals(0, t.get(all(), all(), all(), interval(0, 2)).sumNumber().doubleValue(), 0);
    }

    @Test
    void scalingDownKeepsTheCentreAndBlackensTheBorder() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 1, 1, 9, 9);
        INDArray s = NaturalPerturbation.SCALING.apply(x, 0.5, 0);
        assertEquals(1, s.getDouble(0, 0, 4, 4), 1e-6);
        assertEquals(0, s.getDouble(0, 0, 0, 0), 1e-6);
        assertTrue(s.sumNumber().doubleValue() < 0.35 * 81, "a half-size image covers about a quarter of the area");
    }

    @Test
    void downsamplingKeepsConstantBlocksAndAveragesDetail() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 4, 4);
        x.get(all(), all(), interval(0, 2), all()).assign(1); // top half white: constant on 2x2 blocks at the centres
        INDArray d = NaturalPerturbation.DOWNSAMPLING.apply(x, 2, 0);
        assertEquals(x.sumNumber().doubleValue(), d.sumNumber().doubleValue(), 1e-4, "bilinear resampling of block averages keeps the mass here");
        INDArray checker = Nd4j.createFromArray(new float[]{1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1}).reshape(1, 1, 4, 4);
        assertEquals(0, maxDiff(NaturalPerturbation.DOWNSAMPLING.apply(checker, 2, 0), Nd4j.valueArrayOf(new long[]{1, 1, 4, 4}, 0.5f)), 1e-6,
                "a 2x2 checkerboard averages to grey");
        assertThrows(IllegalArgumentException.class, () -> NaturalPerturbation.DOWNSAMPLING.apply(x, 3, 0));
    }

    @Test
    void brightnessContrastAndNoiseStayInRangeAndAreSeeded() {
        INDArray x = images(4, 3, 8, 8, 4);
        INDArray b = NaturalPerturbation.BRIGHTNESS.apply(x, 0.3, 0);
        assertEquals(0, maxDiff(b, Transforms.min(x.add(0.3), 1.0)), 1e-6);
        INDArray c = NaturalPerturbation.CONTRAST.apply(x, 0, 0);
        INDArray means = x.reshape(4, -1).mean(1);
        for (int i = 0; i < 4; i++) {
            assertEquals(means.getDouble(i), c.get(point(i)).minNumber().doubleValue(), 1e-5, "contrast 0 makes an image its mean grey");
        }
        INDArray n1 = NaturalPerturbation.GAUSSIAN_NOISE.apply(x, 0.2, 7);
        assertEquals(0, maxDiff(n1, NaturalPerturbation.GAUSSIAN_NOISE.apply(x, 0.2, 7)), 0, "same seed, same noise");
        assertTrue(maxDiff(n1, NaturalPerturbation.GAUSSIAN_NOISE.apply(x, 0.2, 8)) > 0.01);
        for (INDArray y : new INDArray[]{b, c, n1}) {
            assertTrue(y.minNumber().doubleValue() >= 0 && y.maxNumber().doubleValue() <= 1);
        }
        // noise of σ = 0.05 on mid-grey (no clipping): the sample deviation matches σ
        INDArray grey = Nd4j.valueArrayOf(new long[]{8, 1, 28, 28}, 0.5f);
        double sd = NaturalPerturbation.GAUSSIAN_NOISE.apply(grey, 0.05, 1).sub(grey).stdNumber().doubleValue();
        assertEquals(0.05, sd, 0.002);
    }

    @Test
    void jpegLosesMoreAtLowerQualityAndKeepsShapeAndRange() {
        INDArray x = smooth(3, 3, 32, 32);
        INDArray grey = smooth(3, 1, 28, 28);
        for (INDArray img : new INDArray[]{x, grey}) {
            INDArray high = NaturalPerturbation.JPEG.apply(img, 95, 0);
            INDArray low = NaturalPerturbation.JPEG.apply(img, 5, 0);
            assertArrayEquals(img.shape(), low.shape());
            double errHigh = high.sub(img).norm2Number().doubleValue();
            double errLow = low.sub(img).norm2Number().doubleValue();
            assertTrue(errLow > 1.5 * errHigh, "quality 5 error " + errLow + " vs quality 95 " + errHigh);
            assertTrue(low.minNumber().doubleValue() >= 0 && low.maxNumber().doubleValue() <= 1);
        }
        // a flat colour survives JPEG almost exactly, in the right channel order
        INDArray red = Nd4j.zeros(DataType.FLOAT, 1, 3, 16, 16);
        red.get(all(), point(0), all(), all()).assign(0.8);
        INDArray back = NaturalPerturbation.JPEG.apply(red, 90, 0);
        assertEquals(0.8, back.get(all(), point(0), all(), all()).meanNumber().doubleValue(), 0.03);
        assertEquals(0.0, back.get(all(), point(2), all(), all()).meanNumber().doubleValue(), 0.03);
    }

    @Test
    void badInputNamesTheParameter() {
        INDArray x = images(1, 1, 8, 8, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NaturalPerturbation.JPEG.apply(x, 0, 0)).getMessage().contains("severity of JPEG"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NaturalPerturbation.ROTATION.apply(x, Double.NaN, 0)).getMessage().contains("severity"));
        INDArray bad = x.dup();
        bad.putScalar(0, Double.NaN);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NaturalPerturbation.BRIGHTNESS.apply(bad, 0.1, 0)).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NaturalPerturbation.BRIGHTNESS.apply(x.reshape(8, 8), 0.1, 0)).getMessage().contains("x must"));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex interval(int a, int b) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(a, b);
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex point(int i) {
        return org.nd4j.linalg.indexing.NDArrayIndex.point(i);
    }
}
