package org.gse.decode;

import java.util.Locale;

/**
 * How a transparent sticker becomes the RGB image that an encoder receives.
 *
 * <p>Text forms: {@code white} (the default), {@code black}, {@code #RRGGBB}, and {@code drop}.
 */
public sealed interface AlphaPolicy {

    /** Returns the opaque RGB value ({@code 0x00RRGGBB}) of one non-premultiplied ARGB pixel. */
    int toRgb(int argb);

    /** Returns the stable text form. */
    String id();

    /** Composite over white, the default. */
    AlphaPolicy WHITE = new CompositeOver(0xFFFFFF);

    /**
     * Discard alpha and keep the stored colour, as PIL's {@code Image.convert("RGB")} does; the original GSE
     * evaluation saved stickers this way, so transparent pixels show whatever colour the encoder stored there.
     */
    AlphaPolicy DROP = new DropAlpha();

    /** Parses {@code white}, {@code black}, {@code #RRGGBB} or {@code drop}. */
    static AlphaPolicy parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "white":
                return WHITE;
            case "black":
                return new CompositeOver(0x000000);
            case "drop":
                return DROP;
            default:
                if (value.matches("#[0-9a-f]{6}")) {
                    return new CompositeOver(Integer.parseInt(value.substring(1), 16));
                }
                throw new IllegalArgumentException("invalid alpha policy '" + text
                        + "'; expected white, black, #RRGGBB or drop");
        }
    }

    /**
     * Alpha blending over a solid colour: {@code c = (a * fg + (255 - a) * bg) / 255}, rounded to nearest, per
     * channel.
     */
    record CompositeOver(int backgroundRgb) implements AlphaPolicy {
        @Override
        public int toRgb(int argb) {
            int a = argb >>> 24;
            if (a == 255) {
                return argb & 0xFFFFFF;
            }
            int r = blend((argb >> 16) & 0xFF, (backgroundRgb >> 16) & 0xFF, a);
            int g = blend((argb >> 8) & 0xFF, (backgroundRgb >> 8) & 0xFF, a);
            int b = blend(argb & 0xFF, backgroundRgb & 0xFF, a);
            return (r << 16) | (g << 8) | b;
        }

        private static int blend(int foreground, int background, int alpha) {
            return (foreground * alpha + background * (255 - alpha) + 127) / 255;
        }

        @Override
        public String id() {
            return switch (backgroundRgb) {
                case 0xFFFFFF -> "white";
                case 0x000000 -> "black";
                default -> String.format(Locale.ROOT, "#%06x", backgroundRgb);
            };
        }
    }

    record DropAlpha() implements AlphaPolicy {
        @Override
        public int toRgb(int argb) {
            return argb & 0xFFFFFF;
        }

        @Override
        public String id() {
            return "drop";
        }
    }
}
