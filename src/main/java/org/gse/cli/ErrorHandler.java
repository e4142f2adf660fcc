package org.gse.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns exceptions from a command into one line on standard error and an exit status. Bad input
 * ({@link IllegalArgumentException}, {@link IOException}) is reported without a stack trace; anything else is a
 * bug, logged with its stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine,
            CommandLine.ParseResult parseResult) {
        Throwable cause = exception instanceof UncheckedIOException unchecked ? unchecked.getCause() : exception;
        if (cause instanceof IllegalArgumentException || cause instanceof IOException
                || cause instanceof IllegalStateException) {
            commandLine.getErr().println("gse: error: " + describe(cause));
            log.debug("Command failed", cause);
            return cause instanceof IllegalArgumentException ? Main.EXIT_USAGE : Main.EXIT_ERROR;
        }
        log.error("Unexpected error in '{}'", commandLine.getCommandName(), cause);
        commandLine.getErr().println("gse: unexpected error: " + cause + " (run with --verbose for details)");
        return Main.EXIT_ERROR;
    }

    /**
     * Returns a one-line message. File-system exceptions carry only the path as their message, so the kind of
     * failure is spelled out for them.
     */
    static String describe(Throwable cause) {
        if (cause instanceof java.nio.file.FileSystemException fileError) {
            String failure = switch (fileError) {
                case java.nio.file.NoSuchFileException e -> "not found";
                case java.nio.file.NotDirectoryException e -> "is not a folder";
                case java.nio.file.FileAlreadyExistsException e -> "already exists (and is not a folder)";
                case java.nio.file.AccessDeniedException e -> "permission denied";
                case java.nio.file.DirectoryNotEmptyException e -> "folder is not empty";
                default -> "file system error";
            };
            String reason = fileError.getReason();
            return fileError.getFile() + ": " + failure + (reason == null || reason.isBlank() ? "" : " (" + reason + ")");
        }
        return cause.getMessage();
    }
}
