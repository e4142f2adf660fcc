package org.gse.data;

import java.io.IOException;

/** A CSV file that cannot be read as the expected table; the message names the file and, when known, the line. */
public class CsvFormatException extends IOException {

    public CsvFormatException(String message) {
        super(message);
    }

    public CsvFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
