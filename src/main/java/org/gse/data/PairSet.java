package org.gse.data;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A list of labelled sticker pairs in the Triple-S format: a CSV file with the columns
 * {@code sticker_id,sticker_id_2,label}, where label 1 means similar and 0 dissimilar.
 *
 * <p>The reader is tolerant of the ways such files get saved: a UTF-8 byte-order mark, CRLF line ends, quoted
 * fields, blank lines, extra columns (ignored) and columns in any order (found by header name). Ids are trimmed and
 * kept otherwise as written, so non-ASCII ids and relative paths such as {@code 1/01_Cuppy_smile.webp} or
 * {@code 贴纸/猫.png} round-trip. It is strict where a silent error would skew results: the file must be valid UTF-8,
 * every label must be exactly {@code 0} or {@code 1}, and ids must not be empty; errors name the file and line.
 *
 * @param source the file name or description used in errors and reports
 * @param sha256 the hex SHA-256 of the file's bytes, for provenance
 * @param pairs the pairs in file order
 */
public record PairSet(String source, String sha256, List<Pair> pairs) {

    public PairSet {
        pairs = List.copyOf(pairs);
    }

    /** Reads a pair file. */
    public static PairSet read(Path file) throws IOException {
        return parse(CsvTable.readBytes(file, "Triple-S pair file"), file.toString());
    }

    /** Parses the bytes of a pair file; {@code source} names it in errors. */
    public static PairSet parse(byte[] bytes, String source) throws CsvFormatException {
        CsvTable table = CsvTable.parse(bytes, source);
        int[] columns = table.columns("sticker_id", "sticker_id_2", "label");
        int first = columns[0];
        int second = columns[1];
        int labelColumn = columns[2];
        List<Pair> pairs = new ArrayList<>(table.rows().size());
        for (CsvTable.Row row : table.rows()) {
            String a = row.get(first).trim();
            String b = row.get(second).trim();
            String label = row.get(labelColumn).trim();
            if (a.isEmpty() || b.isEmpty()) {
                throw new CsvFormatException(source + " line " + row.line() + ": empty sticker id");
            }
            int value = switch (label) {
                case "0" -> 0;
                case "1" -> 1;
                default -> throw new CsvFormatException(source + " line " + row.line()
                        + ": label must be 0 or 1, found '" + label + "'");
            };
            pairs.add(new Pair(a, b, value, row.line()));
        }
        return new PairSet(source, sha256(bytes), pairs);
    }

    public int size() {
        return pairs.size();
    }

    /** Returns the number of pairs labelled similar. */
    public int positives() {
        int count = 0;
        for (Pair pair : pairs) {
            count += pair.label();
        }
        return count;
    }

    /** Returns every sticker id the pairs mention, in order of first appearance. */
    public Set<String> distinctIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Pair pair : pairs) {
            ids.add(pair.stickerId());
            ids.add(pair.stickerId2());
        }
        return ids;
    }

    /** Returns the hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
