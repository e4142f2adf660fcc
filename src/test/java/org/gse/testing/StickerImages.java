package org.gse.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.gse.decode.Frame;
import org.gse.decode.Sticker;
import org.gse.decode.StickerFormat;

/** Generates small transparent PNG stickers for tests: a few "concepts" (shape and colour), drawn with variations. */
public final class StickerImages {

    private StickerImages() {}

    /** Concepts: 0 red circle, 1 blue square, 2 green triangle, 3 black cross. */
    public static final int CONCEPTS = 4;

    /** Draws concept {@code concept} with variation {@code variant} (offset, size and speckles from a seed). */
    public static BufferedImage draw(int concept, int variant, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Random random = new Random(concept * 1000L + variant);
            int margin = size / 8 + random.nextInt(size / 8);
            int dx = random.nextInt(size / 10) - size / 20;
            int dy = random.nextInt(size / 10) - size / 20;
            int extent = size - 2 * margin;
            int x = margin + dx;
            int y = margin + dy;
            switch (concept) {
                case 0 -> {
                    g.setColor(new Color(220, 30 + random.nextInt(30), 40));
                    g.fillOval(x, y, extent, extent);
                }
                case 1 -> {
                    g.setColor(new Color(30, 60 + random.nextInt(30), 210));
                    g.fillRect(x, y, extent, extent);
                }
                case 2 -> {
                    g.setColor(new Color(40, 170 + random.nextInt(40), 60));
                    g.fillPolygon(new int[] {x + extent / 2, x, x + extent}, new int[] {y, y + extent, y + extent}, 3);
                }
                default -> {
                    g.setColor(new Color(20, 20, 20));
                    g.setStroke(new BasicStroke(size / 10f));
                    g.drawLine(x, y, x + extent, y + extent);
                    g.drawLine(x + extent, y, x, y + extent);
                }
            }
            for (int i = 0; i < 6; i++) {
                g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                g.fillOval(random.nextInt(size), random.nextInt(size), size / 16, size / 16);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes a PNG. */
    public static Path writePng(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
        return file;
    }

    /** Wraps an image as a one-frame sticker. */
    public static Sticker sticker(BufferedImage image, String name) {
        Frame frame = Frame.of(image, 0);
        return new Sticker(Path.of(name), StickerFormat.PNG, frame.width(), frame.height(), List.of(frame),
                frame.hasTransparency(), List.of());
    }
}
