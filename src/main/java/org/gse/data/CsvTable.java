package org.gse.data;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CSV file read with Jackson's CSV module: a header row and data rows, each with the line number it starts on.
 *
 * <p>Accepted input: UTF-8 (strictly; malformed bytes are an error naming the byte offset) with or without a
 * byte-order mark, LF or CRLF line ends, RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line
 * breaks), blank lines (skipped) and columns beyond the ones a reader asks for (ignored). Header names are matched
 * case-insensitively after trimming. Every data row must have as many fields as the header, because a row with
 * more fields is usually an unquoted comma that would otherwise shift or drop a value without notice.
 */
final class CsvTable {

    private static final CsvMapper MAPPER = new CsvMapper();

    /** One data row: its fields (as many as the header has) and the 1-based line of the file it starts on. */
    record Row(List<String> fields, long line) {
        String get(int column) {
            return fields.get(column);
        }
    }

    private final String source;
    private final List<String> header;
    private final List<Row> rows;

    private CsvTable(String source, List<String> header, List<Row> rows) {
        this.source = source;
        this.header = header;
        this.rows = rows;
    }

    String source() {
        return source;
    }

    List<Row> rows() {
        return rows;
    }

    /**
     * Returns the indices of the required columns, in the order of {@code names} (lower-case).
     *
     * @throws CsvFormatException naming every missing column and the expected header when the header lacks any
     */
    int[] columns(String... names) throws CsvFormatException {
        List<String> normalised = header.stream().map(name -> name.trim().toLowerCase(Locale.ROOT)).toList();
        int[] indices = new int[names.length];
        List<String> missing = new ArrayList<>();
        for (int n = 0; n < names.length; n++) {
            indices[n] = normalised.indexOf(names[n]);
            if (indices[n] < 0) {
                missing.add("'" + names[n] + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new CsvFormatException(source + " line 1: missing column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + "; the header is '" + String.join(",", header)
                    + "', expected a header row with the columns " + String.join(",", names));
        }
        return indices;
    }

    /**
     * Reads the bytes of a CSV file.
     *
     * @param kind what the file should contain, for the error when it is missing, for example "Triple-S pair file"
     */
    static byte[] readBytes(Path file, String kind) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, kind + " not found; check the path");
        }
    }

    /** Parses the complete bytes of a CSV file; {@code source} names it in errors. */
    static CsvTable parse(byte[] bytes, String source) throws CsvFormatException {
        String text = decodeUtf8(bytes, source);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        try (CsvParser parser = (CsvParser) MAPPER.getFactory().createParser(text)) {
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            JsonToken token = parser.nextToken(); // the outer array
            if (token != JsonToken.START_ARRAY) {
                throw new CsvFormatException(source + ": the file is empty; expected a header row");
            }
            while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
                long line = -1;
                List<String> fields = new ArrayList<>();
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == null) {
                        throw new CsvFormatException(source + ": unexpected end of file");
                    }
                    if (line < 0) {
                        line = parser.currentTokenLocation().getLineNr();
                    }
                    fields.add(parser.getText());
                }
                if (fields.size() == 1 && fields.getFirst().isBlank()) {
                    continue; // a line holding only spaces
                }
                if (header == null) {
                    header = List.copyOf(fields);
                    continue;
                }
                if (fields.size() != header.size()) {
                    throw new CsvFormatException(source + " line " + line + ": " + fields.size() + " fields, but the"
                            + " header '" + String.join(",", header) + "' has " + header.size() + "; "
                            + (fields.size() > header.size() ? "put double quotes around a field that contains a"
                                    + " comma" : "add the missing fields"));
                }
                rows.add(new Row(List.copyOf(fields), line));
            }
        } catch (IOException e) {
            if (e instanceof CsvFormatException csv) {
                throw csv;
            }
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json && json.getLocation() != null) {
                throw new CsvFormatException(source + " line " + json.getLocation().getLineNr() + ": invalid CSV: "
                        + json.getOriginalMessage(), e);
            }
            throw new CsvFormatException(source + ": invalid CSV: " + e.getMessage(), e);
        }
        if (header == null) {
            throw new CsvFormatException(source + ": the file is empty; expected a header row");
        }
        return new CsvTable(source, header, rows);
    }

    private static String decodeUtf8(byte[] bytes, String source) throws CsvFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (MalformedInputException e) {
            throw new CsvFormatException(source + ": not valid UTF-8 (malformed bytes near byte offset "
                    + offsetOfMalformed(bytes) + "); save the file as UTF-8", e);
        } catch (CharacterCodingException e) {
            throw new CsvFormatException(source + ": not valid UTF-8: " + e, e);
        }
    }

    /** Returns the offset of the first byte that starts an invalid UTF-8 sequence. */
    private static int offsetOfMalformed(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }
}
