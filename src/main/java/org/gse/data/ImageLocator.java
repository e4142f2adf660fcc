package org.gse.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the image file of a sticker id in a folder.
 *
 * <p>Lookup rule, first match wins:
 * <ol>
 *   <li>{@code DIR/<id>}, the id as given (ids carry their extension, for example {@code 123.webm}, or are
 *       relative paths such as {@code 1/01_Cuppy_smile.webp});
 *   <li>{@code DIR/<id>.jpg}: the original Triple-S evaluation saved one JPEG frame per sticker under the id
 *       plus {@code .jpg}, for example {@code 123.webm.jpg}.
 * </ol>
 * Ids that are absolute, contain {@code ..} segments or are not valid paths never match, so a pair list cannot make
 * the evaluation read files outside the folder.
 */
public final class ImageLocator {

    private final Path folder;

    public ImageLocator(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    public Path folder() {
        return folder;
    }

    /** Returns the file for {@code id}, or empty when neither candidate is a regular file. */
    public Optional<Path> find(String id) {
        Path direct = resolve(id);
        if (direct == null) {
            return Optional.empty();
        }
        if (Files.isRegularFile(direct)) {
            return Optional.of(direct);
        }
        Path jpeg = resolve(id + ".jpg");
        if (jpeg != null && Files.isRegularFile(jpeg)) {
            return Optional.of(jpeg);
        }
        return Optional.empty();
    }

    private Path resolve(String id) {
        try {
            Path relative = Path.of(id);
            if (relative.isAbsolute()) {
                return null;
            }
            Path candidate = folder.resolve(relative).normalize();
            return candidate.startsWith(folder) && !candidate.equals(folder) ? candidate : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
