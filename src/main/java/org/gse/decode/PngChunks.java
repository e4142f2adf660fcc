package org.gse.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The chunk list of a PNG or APNG file, read from the bytes without interpreting chunk contents.
 *
 * <p>CRCs are computed and recorded per chunk but do not fail the parse. The decoders report mismatches as warnings,
 * because damaged image data usually breaks its zlib stream too, and that fails the decode.
 */
final class PngChunks {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    /** One chunk: its type, where its data starts in the file, the data length and whether its CRC matched. */
    record Chunk(String type, int dataOffset, int length, boolean crcValid) {

        byte[] data(byte[] file) {
            byte[] data = new byte[length];
            System.arraycopy(file, dataOffset, data, 0, length);
            return data;
        }

        int u32(byte[] file, int at) {
            return (int) readUint32(file, dataOffset + at);
        }

        long u32Unsigned(byte[] file, int at) {
            return readUint32(file, dataOffset + at);
        }

        int u16(byte[] file, int at) {
            return ((file[dataOffset + at] & 0xFF) << 8) | (file[dataOffset + at + 1] & 0xFF);
        }

        int u8(byte[] file, int at) {
            return file[dataOffset + at] & 0xFF;
        }
    }

    /**
     * The parsed chunks in file order, up to and including {@code IEND}.
     *
     * @param truncation null when the file reached {@code IEND}, otherwise why the parse stopped early
     * @param trailingBytes bytes after {@code IEND}
     */
    record Parsed(List<Chunk> chunks, String truncation, int trailingBytes) {

        boolean truncated() {
            return truncation != null;
        }

        /** Returns the warnings for CRC mismatches (at most a few named) and trailing bytes. */
        List<String> structureWarnings() {
            List<String> warnings = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            for (Chunk chunk : chunks) {
                if (!chunk.crcValid()) {
                    bad.add(chunk.type());
                }
            }
            if (!bad.isEmpty()) {
                warnings.add(bad.size() + " chunk(s) with a CRC mismatch (" + String.join(", ",
                        bad.subList(0, Math.min(5, bad.size()))) + (bad.size() > 5 ? ", ..." : "")
                        + "); decoded anyway");
            }
            if (trailingBytes > 0) {
                warnings.add(trailingBytes + " byte(s) after IEND ignored");
            }
            return warnings;
        }
    }

    private PngChunks() {}

    /**
     * Splits the file into chunks. Stops at {@code IEND}, at the end of the data, or at a chunk whose length runs
     * past the end or whose type is not four ASCII letters; the latter two set {@link Parsed#truncation()}.
     */
    static Parsed parse(byte[] bytes) {
        List<Chunk> chunks = new ArrayList<>();
        CRC32 crc = new CRC32();
        int offset = SIGNATURE.length;
        while (true) {
            if (offset == bytes.length) {
                return new Parsed(chunks, "the file ends without an IEND chunk", 0);
            }
            if (offset + 8 > bytes.length) {
                return new Parsed(chunks, "the file ends inside a chunk header at byte " + offset, 0);
            }
            long length = readUint32(bytes, offset);
            String type = new String(bytes, offset + 4, 4, StandardCharsets.ISO_8859_1);
            if (!isChunkType(bytes, offset + 4)) {
                return new Parsed(chunks, "invalid chunk type at byte " + offset, 0);
            }
            long end = offset + 12L + length;
            if (length > Integer.MAX_VALUE || end > bytes.length) {
                return new Parsed(chunks, "the file ends inside the " + type + " chunk at byte " + offset
                        + " (declared length " + length + ")", 0);
            }
            crc.reset();
            crc.update(bytes, offset + 4, 4 + (int) length);
            boolean crcValid = crc.getValue() == readUint32(bytes, offset + 8 + (int) length);
            chunks.add(new Chunk(type, offset + 8, (int) length, crcValid));
            offset = (int) end;
            if (type.equals("IEND")) {
                return new Parsed(chunks, null, bytes.length - offset);
            }
        }
    }

    static boolean hasSignature(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isChunkType(byte[] bytes, int offset) {
        for (int i = 0; i < 4; i++) {
            int c = bytes[offset + i] & 0xFF;
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    static long readUint32(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16)
                | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }
}
