package org.gse.decode;

import org.gse.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Writes a sticker's sampled frames as PNG files and a contact sheet, so a person can check the decoding. */
public final class StickerPreview {

    private static final int SHEET_CELL = 160;

    private StickerPreview() {}

    /**
     * Writes {@code NAME-fN.png} for each selected frame and {@code NAME-sheet.png}, the frames side by side on a
     * checkerboard that makes transparency visible. NAME is the source file name.
     */
    public static void write(Sticker sticker, FramePolicy policy, Path dir) throws IOException {
        write(sticker, policy, dir, sticker.source().getFileName().toString());
    }

    /** Writes the frames and contact sheet under {@code name}, for callers that keep names unique in a batch. */
    public static void write(Sticker sticker, FramePolicy policy, Path dir, String name) throws IOException {
        List<Frame> frames = policy.select(sticker);
        for (int i = 0; i < frames.size(); i++) {
            writePng(frames.get(i).toImage(), dir.resolve(String.format(Locale.ROOT, "%s-f%d.png", name, i)));
        }
        writePng(contactSheet(frames), dir.resolve(name + "-sheet.png"));
    }

    static BufferedImage contactSheet(List<Frame> frames) {
        BufferedImage sheet = new BufferedImage(SHEET_CELL * frames.size(), SHEET_CELL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            for (int y = 0; y < SHEET_CELL; y += 8) {
                for (int x = 0; x < sheet.getWidth(); x += 8) {
                    g.setColor(((x + y) / 8) % 2 == 0 ? Color.LIGHT_GRAY : Color.WHITE);
                    g.fillRect(x, y, 8, 8);
                }
            }
            for (int i = 0; i < frames.size(); i++) {
                Frame frame = frames.get(i);
                double scale = Math.min((double) SHEET_CELL / frame.width(), (double) SHEET_CELL / frame.height());
                int w = Math.max(1, (int) Math.round(frame.width() * scale));
                int h = Math.max(1, (int) Math.round(frame.height() * scale));
                g.drawImage(frame.toImage(), i * SHEET_CELL + (SHEET_CELL - w) / 2, (SHEET_CELL - h) / 2, w, h, null);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static void writePng(BufferedImage image, Path file) throws IOException {
        Path temporary = AtomicFiles.createTempFile(file.getParent(), ".preview-", ".png");
        try {
            if (!ImageIO.write(image, "png", temporary.toFile())) {
                throw new IOException("no PNG writer available");
            }
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
