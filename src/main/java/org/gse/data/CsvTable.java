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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CSV file read with Jackson's CSV module: a header row and data rows, each with the line number it starts on.
 *
 * <p>Accepted input: UTF-8 (strictly; malformed bytes are an error naming the byte offset) with or without a
 * byte-order mark, LF or CRLF line ends, RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line
 * breaks), blank lines (skipped) and columns beyond the ones a reader asks for (ignored). Header names are matched
 * case-insensitively after trimming.
 */
final class CsvTable {

    private static final CsvMapper MAPPER = new CsvMapper();

    /** One data row: its fields and the 1-based line of the file it starts on. */
    record Row(List<String> fields, long line) {
        String get(int column) {
            return column < fields.size() ? fields.get(column) : "";
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
     * Returns the index of a required column.
     *
     * @throws CsvFormatException when the header lacks it
     */
    int column(String name) throws CsvFormatException {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        throw new CsvFormatException(source + " line 1: missing column '" + name + "'; the header has " + header);
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
                } else {
                    rows.add(new Row(List.copyOf(fields), line));
                }
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
