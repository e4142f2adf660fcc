package org.gse.data.emoji;

import java.util.Locale;
import java.util.Optional;

/**
 * The key that joins one emoji across art sets and annotations: its code points in lower-case hex without leading
 * zeros, joined by {@code -}, with every variation selector 16 ({@code U+FE0F}) removed. Packages disagree on the
 * selector and on padding ({@code 0023-fe0f-20e3}, {@code 23-20e3}, {@code 2764-FE0F}), so all of them map to
 * the same key ({@code 23-20e3}, {@code 2764}).
 */
final class EmojiKey {

    private EmojiKey() {}

    /** Returns the key of a hex sequence such as {@code 1F602} or {@code 0023-fe0f-20e3}, or empty when invalid. */
    static Optional<String> parse(String hexSequence) {
        StringBuilder key = new StringBuilder();
        for (String part : hexSequence.split("[-_ ]")) {
            if (part.isEmpty() || part.length() > 6) {
                return Optional.empty();
            }
            int codePoint;
            try {
                codePoint = Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (!Character.isValidCodePoint(codePoint)) {
                return Optional.empty();
            }
            if (codePoint == 0xFE0F) {
                continue;
            }
            key.append(key.isEmpty() ? "" : "-").append(Integer.toHexString(codePoint).toLowerCase(Locale.ROOT));
        }
        return key.isEmpty() ? Optional.empty() : Optional.of(key.toString());
    }
}
