package org.gse.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that a reader (or a crash) never sees a half-written one: the content goes to a temporary file
 * in the same folder, which is then renamed over the target.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Writes {@code file} through {@code writer}, atomically. Parent folders are created. */
    public static void write(Path file, Content writer) throws IOException {
        Path target = file.toAbsolutePath();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temp = createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                writer.writeTo(out);
            }
            move(temp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes bytes to {@code file}, atomically. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /**
     * Creates a temporary file that becomes a user-visible file after a rename, so it gets the usual
     * {@code rw-r--r--} permissions instead of the owner-only mode of {@link Files#createTempFile}.
     */
    public static Path createTempFile(Path folder, String prefix, String suffix) throws IOException {
        Path temp = Files.createTempFile(folder, prefix, suffix);
        setPermissions(temp, "rw-r--r--");
        return temp;
    }

    /** Creates a temporary folder that becomes a user-visible folder after a rename, with {@code rwxr-xr-x}. */
    public static Path createTempDirectory(Path parent, String prefix) throws IOException {
        Path temp = Files.createTempDirectory(parent, prefix);
        setPermissions(temp, "rwxr-xr-x");
        return temp;
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    /** Renames {@code temp} over {@code target}, atomically where the file system allows. */
    public static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
