package io.github.ark4j.perturb;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JPEG compression and decompression through the JDK's baseline codec, one image at a time (the codec is the
 * work; pixels move in and out as whole rasters). Grey images (C = 1) are coded as single-channel JPEG, colour
 * images (C = 3) as YCbCr.
 */
final class Jpeg {
    private Jpeg() {
    }

    static INDArray roundTrip(INDArray x, float quality) {
        int b = (int) x.size(0);
        int ch = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        if (ch != 1 && ch != 3) {
            throw new IllegalArgumentException("JPEG needs 1 or 3 channels, got " + ch);
        }
        // NHWC bytes, the raster's interleaved layout
        int[] bytes = x.permute(0, 2, 3, 1).dup('c').muli(255).addi(0.5).castTo(DataType.INT32).data().asInt();
        int per = h * w * ch;
        int[] out = new int[bytes.length];
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            for (int i = 0; i < b; i++) {
                BufferedImage img = new BufferedImage(w, h, ch == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
                int[] pixels = java.util.Arrays.copyOfRange(bytes, i * per, (i + 1) * per);
                // the raster's bands are R, G, B whatever the byte order of TYPE_3BYTE_BGR's storage
                img.getRaster().setPixels(0, 0, w, h, pixels);
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(buf)) {
                    writer.setOutput(stream);
                    writer.write(null, new IIOImage(img, null, null), param);
                }
                BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(buf.toByteArray()));
                int[] back = decoded.getRaster().getPixels(0, 0, w, h, new int[per]);
                System.arraycopy(back, 0, out, i * per, per);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip failed", e);
        } finally {
            writer.dispose();
        }
        return Nd4j.createFromArray(out).castTo(DataType.FLOAT).divi(255).reshape('c', b, h, w, ch).permute(0, 3, 1, 2).dup('c');
    }
}
