package org.gse.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the chunk list of a RIFF container: a sequence of {@code FourCC, little-endian uint32 size, payload}
 * records, each payload padded to an even length. WebP uses it at the top level and inside each {@code ANMF}
 * chunk.
 */
final class RiffChunks {

    static final int CHUNK_HEADER_SIZE = 8;

    private RiffChunks() {}

    /**
     * One chunk: its FourCC (for example {@code "VP8 "} with the trailing space) and where its payload lies.
     *
     * @param fourCc the chunk type, four ASCII characters
     * @param headerOffset byte offset of the chunk header in the file, for error messages
     * @param offset byte offset of the payload in the file
     * @param size payload size in bytes, without the padding byte
     */
    record Chunk(String fourCc, int headerOffset, int offset, int size) {
        int end() {
            return offset + size;
        }
    }

    /**
     * The chunks that lie completely inside a byte range.
     *
     * @param chunks the complete chunks, in file order
     * @param incomplete a description of the chunk header or payload that runs past the end of the range, or null
     *     when the range ends exactly after the last chunk
     */
    record Scan(List<Chunk> chunks, String incomplete) {}

    /** Reads chunks from {@code start} up to {@code end}, stopping at the first one that does not fit. */
    static Scan read(byte[] bytes, int start, int end) {
        List<Chunk> chunks = new ArrayList<>();
        int offset = start;
        while (offset < end) {
            if (end - offset < CHUNK_HEADER_SIZE) {
                return new Scan(chunks, "a chunk header at byte " + offset + " needs " + CHUNK_HEADER_SIZE
                        + " bytes but only " + (end - offset) + " remain");
            }
            String fourCc = new String(bytes, offset, 4, StandardCharsets.ISO_8859_1);
            long size = uint32(bytes, offset + 4);
            long payloadEnd = offset + CHUNK_HEADER_SIZE + size;
            if (payloadEnd > end) {
                return new Scan(chunks, "the '" + fourCc + "' chunk at byte " + offset + " declares " + size
                        + " bytes but only " + (end - offset - CHUNK_HEADER_SIZE) + " remain");
            }
            chunks.add(new Chunk(fourCc, offset, offset + CHUNK_HEADER_SIZE, (int) size));

            // A missing padding byte after the last chunk is tolerated, as libwebp does.
            offset = (int) Math.min(end, payloadEnd + (size & 1));
        }
        return new Scan(chunks, null);
    }

    static long uint32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | ((b[offset + 1] & 0xFFL) << 8) | ((b[offset + 2] & 0xFFL) << 16)
                | ((b[offset + 3] & 0xFFL) << 24);
    }

    static int uint24(byte[] b, int offset) {
        return (b[offset] & 0xFF) | ((b[offset + 1] & 0xFF) << 8) | ((b[offset + 2] & 0xFF) << 16);
    }
}
