package org.gse.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Generated training data: transparent PNG stickers of three shape classes (red circle, green square, blue
 * triangle) at jittered positions and sizes, a StickerQueries file and a Triple-S pair file.
 */
public final class ShapeStickers {

    static final String[] CLASSES = {"red circle", "green square", "blue triangle"};
    private static final Color[] COLOURS = {new Color(220, 30, 30), new Color(30, 180, 40), new Color(30, 60, 220)};

    private ShapeStickers() {}

    /** Writes {@code perClass} stickers of each class into {@code folder/images}, plus queries.csv and pairs.csv. */
    public static void write(Path folder, int perClass, long seed) throws IOException {
        Path images = Files.createDirectories(folder.resolve("images"));
        SplittableRandom random = new SplittableRandom(seed);
        List<String> ids = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        StringBuilder queries = new StringBuilder("sticker_id,labeled_queries\n");
        for (int c = 0; c < CLASSES.length; c++) {
            for (int k = 0; k < perClass; k++) {
                String id = CLASSES[c].replace(' ', '_') + "_" + k + ".png";
                ImageIO.write(draw(c, random), "png", images.resolve(id).toFile());
                ids.add(id);
                classes.add(c);
                String[] words = CLASSES[c].split(" ");
                queries.append(id).append(",\"").append(CLASSES[c]).append(", ").append(words[1]).append(", ")
                        .append(words[0]).append(' ').append(words[1]).append(" sticker\"\n");
            }
        }
        Files.writeString(folder.resolve("queries.csv"), queries);

        StringBuilder pairs = new StringBuilder("sticker_id,sticker_id_2,label\n");
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                boolean same = classes.get(i).equals(classes.get(j));
                if (same || random.nextInt(4) == 0) {
                    pairs.append(ids.get(i)).append(',').append(ids.get(j)).append(',').append(same ? 1 : 0)
                            .append('\n');
                }
            }
        }
        Files.writeString(folder.resolve("pairs.csv"), pairs);
    }

    private static BufferedImage draw(int shape, SplittableRandom random) {
        int size = 48;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(COLOURS[shape]);
        int side = 24 + random.nextInt(16);
        int x = random.nextInt(size - side + 1);
        int y = random.nextInt(size - side + 1);
        switch (shape) {
            case 0 -> g.fillOval(x, y, side, side);
            case 1 -> g.fillRect(x, y, side, side);
            default -> g.fillPolygon(new int[] {x, x + side / 2, x + side}, new int[] {y + side, y, y + side}, 3);
        }
        g.dispose();
        return image;
    }
}
