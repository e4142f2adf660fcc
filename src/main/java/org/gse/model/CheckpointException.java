package org.gse.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be used: corrupt, truncated, of an unsupported format, or holding weights that do
 * not fit the model. The message names the file and says what is wrong and, where there is one, what to do.
 */
public class CheckpointException extends IOException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Returns an exception whose message starts with the file name: {@code <file>: <problem>}. */
    public static CheckpointException of(Path file, String problem) {
        return new CheckpointException(file + ": " + problem);
    }

    /** As {@link #of(Path, String)} with a cause. */
    public static CheckpointException of(Path file, String problem, Throwable cause) {
        return new CheckpointException(file + ": " + problem, cause);
    }
}
