package org.gse.decode;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Detects a sticker's container format from its leading bytes, never from the file name: LINE stores APNG
 * as {@code .png} and people rename files.
 *
 * <p>Signatures: PNG {@code 89 50 4E 47 0D 0A 1A 0A} (APNG when an {@code acTL} chunk comes before the first
 * {@code IDAT}), JPEG {@code FF D8 FF}, GIF {@code GIF87a}/{@code GIF89a}, WebP {@code RIFF....WEBP}, WebM the
 * EBML magic {@code 1A 45 DF A3}, TGS the gzip magic {@code 1F 8B} (a Lottie document inside).
 */
public final class FormatSniffer {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private FormatSniffer() {}

    /** Returns the detected format, or empty when no supported signature matches. */
    public static Optional<StickerFormat> sniff(byte[] bytes) {
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return Optional.of(hasAnimationControlChunk(bytes) ? StickerFormat.APNG : StickerFormat.PNG);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Optional.of(StickerFormat.JPEG);
        }
        if (startsWithAscii(bytes, 0, "GIF87a") || startsWithAscii(bytes, 0, "GIF89a")) {
            return Optional.of(StickerFormat.GIF);
        }
        if (startsWithAscii(bytes, 0, "RIFF") && startsWithAscii(bytes, 8, "WEBP")) {
            return Optional.of(StickerFormat.WEBP);
        }
        if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x1A && (bytes[1] & 0xFF) == 0x45
                && (bytes[2] & 0xFF) == 0xDF && (bytes[3] & 0xFF) == 0xA3) {
            return Optional.of(StickerFormat.WEBM);
        }
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
            return Optional.of(StickerFormat.TGS);
        }
        return Optional.empty();
    }

    /** Describes the first bytes of an unrecognised file for an "unsupported format" message. */
    public static String describeSignature(byte[] bytes) {
        int n = Math.min(bytes.length, 8);
        if (n == 0) {
            return "an empty file";
        }
        byte[] head = java.util.Arrays.copyOf(bytes, n);
        StringBuilder printable = new StringBuilder();
        for (byte b : head) {
            printable.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return "leading bytes " + HexFormat.ofDelimiter(" ").formatHex(head) + " (\"" + printable + "\")";
    }

    /** Walks PNG chunks after the signature and reports whether {@code acTL} precedes the first {@code IDAT}. */
    private static boolean hasAnimationControlChunk(byte[] bytes) {
        int offset = PNG_SIGNATURE.length;
        while (offset + 8 <= bytes.length) {
            long length = readUint32(bytes, offset);
            String type = new String(bytes, offset + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("acTL")) {
                return true;
            }
            if (type.equals("IDAT") || type.equals("IEND")) {
                return false;
            }
            long next = offset + 12L + length;
            if (next > bytes.length) {
                return false;
            }
            offset = (int) next;
        }
        return false;
    }

    private static long readUint32(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16)
                | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithAscii(byte[] bytes, int offset, String ascii) {
        if (bytes.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[offset + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
