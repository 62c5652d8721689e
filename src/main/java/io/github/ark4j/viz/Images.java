package io.github.ark4j.viz;

import io.github.ark4j.util.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Images of inputs, perturbations and saliency maps, laid out in captioned grids for notebooks and reports. */
public final class Images {
    private Images() {
    }

    /** One image [C, H, W] in [0,1] (grey for C = 1, RGB for C = 3), enlarged by {@code scale}. */
    public static BufferedImage of(INDArray chw, int scale) {
        INDArray a = chw.castTo(DataType.FLOAT);
        int c = (int) a.size(0);
        int h = (int) a.size(1);
        int w = (int) a.size(2);
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        float[] v = a.dup('c').data().asFloat();
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                int p = (y / scale) * w + x / scale;
                int r = byteOf(v[p]);
                int g = c == 3 ? byteOf(v[h * w + p]) : r;
                int b = c == 3 ? byteOf(v[2 * h * w + p]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /**
     * A signed map [H, W] (a perturbation or a saliency map) in a diverging palette: blue negative, white zero, red
     * positive, scaled by the largest magnitude.
     */
    public static BufferedImage heatmap(INDArray hw, int scale) {
        INDArray a = hw.castTo(DataType.FLOAT);
        int h = (int) a.size(0);
        int w = (int) a.size(1);
        float[] v = a.dup('c').data().asFloat();
        float max = 1e-12f;
        for (float f : v) {
            max = Math.max(max, Math.abs(f));
        }
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                float t = v[(y / scale) * w + x / scale] / max;
                int fade = byteOf(1 - Math.abs(t));
                int rgb = t >= 0 ? (255 << 16) | (fade << 8) | fade : (fade << 16) | (fade << 8) | 255;
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** Images in a grid of {@code columns}, each with a caption underneath (captions may be null). */
    public static BufferedImage grid(List<BufferedImage> images, List<String> captions, int columns) {
        int cw = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int ch = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        int pad = 4;
        int text = captions == null ? 0 : 14;
        int rows = (images.size() + columns - 1) / columns;
        BufferedImage out = new BufferedImage(columns * (cw + pad) + pad, rows * (ch + text + pad) + pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < images.size(); i++) {
            int x = pad + (i % columns) * (cw + pad);
            int y = pad + (i / columns) * (ch + text + pad);
            g.drawImage(images.get(i), x, y, null);
            if (captions != null && captions.get(i) != null) {
                g.setColor(Color.BLACK);
                g.drawString(captions.get(i), x, y + ch + 11);
            }
        }
        g.dispose();
        return out;
    }

    /**
     * The image with a title above and a key below (how to read it), each wrapped to the image's width (at least 480
     * pixels, so that a narrow grid still has room for its words).
     */
    public static BufferedImage titled(BufferedImage image, String title, String key) {
        int width = Math.max(480, image.getWidth());
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        Font keyFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        Graphics2D probe = image.createGraphics();
        List<String> titleLines = wrap(title, probe.getFontMetrics(titleFont), width - 8);
        List<String> keyLines = wrap(key, probe.getFontMetrics(keyFont), width - 8);
        probe.dispose();
        int top = 6 + 16 * titleLines.size();
        int bottom = 4 + 14 * keyLines.size();
        BufferedImage out = new BufferedImage(width, top + image.getHeight() + bottom, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        for (int i = 0; i < titleLines.size(); i++) {
            g.drawString(titleLines.get(i), 4, 16 + 16 * i);
        }
        g.drawImage(image, (width - image.getWidth()) / 2, top, null);
        g.setFont(keyFont);
        for (int i = 0; i < keyLines.size(); i++) {
            g.drawString(keyLines.get(i), 4, top + image.getHeight() + 12 + 14 * i);
        }
        g.dispose();
        return out;
    }

    private static List<String> wrap(String text, java.awt.FontMetrics metrics, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The first n images of a set in a grid, captioned with their label (or its name). */
    public static BufferedImage samples(io.github.ark4j.data.LabeledImages data, int n, int columns, List<String> names, int scale) {
        List<BufferedImage> imgs = new java.util.ArrayList<>();
        List<String> caps = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(n, data.size()); i++) {
            imgs.add(of(data.features().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)), scale));
            caps.add(names == null ? String.valueOf(data.label(i)) : names.get(data.label(i)));
        }
        return grid(imgs, caps, columns);
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    /** Writes the image as PNG to a temporary file and moves it into place. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            if (!javax.imageio.ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available for " + file);
            }
        });
    }
}
