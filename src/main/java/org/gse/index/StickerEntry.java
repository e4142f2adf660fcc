package org.gse.index;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.gse.model.Embedding;

/**
 * One sticker as the index stores it. The sha256 of the file bytes is the key: adding the same content again
 * replaces the stored entry (its path, labels and embedding) instead of adding a second one.
 *
 * @param sha256 lower-case hex SHA-256 of the sticker file, 64 characters
 * @param path where the sticker was read from, as given on the command line
 * @param format container format id, for example {@code webp}
 * @param labels free-form labels (emotions, emojis, pack names); may be empty
 * @param frameCount number of decoded frames, 1 for a still sticker
 * @param embedding unit vector from the index's model
 */
public record StickerEntry(String sha256, String path, String format, List<String> labels, int frameCount,
        Embedding embedding) {

    public StickerEntry {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(embedding, "embedding");
        labels = List.copyOf(labels);
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("invalid sha256 '" + sha256
                    + "'; expected 64 lower-case hexadecimal characters");
        }
        if (frameCount < 1) {
            throw new IllegalArgumentException("frame count must be at least 1, got " + frameCount + " for " + path);
        }
    }

    /** Returns true when {@code text} is 64 lower-case hexadecimal characters. */
    public static boolean isSha256(String text) {
        return text.length() == 64 && text.equals(text.toLowerCase(Locale.ROOT)) && text.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
