package org.gse.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text queries that people labelled stickers with, from the Sticker-Queries release: a CSV file with the columns
 * {@code sticker_id,labeled_queries}, where the second field holds the queries separated by commas (ASCII
 * {@code ,} or the full-width {@code ，}), in English or Chinese.
 *
 * <p>Each query is trimmed; empty queries and exact repeats within one sticker are dropped. A sticker listed on
 * several rows gets the queries of all of them, and a sticker whose field contains no query is kept with an empty
 * list. The CSV rules are those of {@link PairSet}.
 *
 * @param source the file name used in errors
 * @param queries queries per sticker id, in file order
 */
public record StickerQueries(String source, Map<String, List<String>> queries) {

    public StickerQueries {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        queries.forEach((id, list) -> copy.put(id, List.copyOf(list)));
        queries = Collections.unmodifiableMap(copy);
    }

    public static StickerQueries read(Path file) throws IOException {
        return parse(CsvTable.readBytes(file, "StickerQueries file"), file.toString());
    }

    public static StickerQueries parse(byte[] bytes, String source) throws CsvFormatException {
        CsvTable table = CsvTable.parse(bytes, source);
        int[] columns = table.columns("sticker_id", "labeled_queries");
        int idColumn = columns[0];
        int queryColumn = columns[1];
        Map<String, Set<String>> byId = new LinkedHashMap<>();
        for (CsvTable.Row row : table.rows()) {
            String id = row.get(idColumn).trim();
            if (id.isEmpty()) {
                throw new CsvFormatException(source + " line " + row.line() + ": empty sticker id");
            }
            Set<String> list = byId.computeIfAbsent(id, key -> new LinkedHashSet<>());
            list.addAll(split(row.get(queryColumn)));
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        byId.forEach((id, set) -> result.put(id, new ArrayList<>(set)));
        return new StickerQueries(source, result);
    }

    /** Splits one {@code labeled_queries} field into trimmed, non-empty queries. */
    public static List<String> split(String field) {
        List<String> result = new ArrayList<>();
        for (String part : field.split("[,，]")) {
            String query = part.strip();
            if (!query.isEmpty()) {
                result.add(query);
            }
        }
        return result;
    }

    public int size() {
        return queries.size();
    }

    /** Returns the queries of a sticker, empty when it has none. */
    public List<String> of(String stickerId) {
        return queries.getOrDefault(stickerId, List.of());
    }
}
