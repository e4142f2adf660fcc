package org.gse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates test inputs. Shared data sets live in {@code ../shared/data} beside the repository on development and
 * CI machines; people who clone the project do not have them, so tests that need them are skipped with a message.
 */
public final class TestData {

    private TestData() {}

    /** Returns the repository root (Maven sets {@code gse.repo}; otherwise the working folder). */
    public static Path repo() {
        return Path.of(System.getProperty("gse.repo", ".")).toAbsolutePath().normalize();
    }

    /** Returns {@code ../shared/data/<relative>}, skipping the calling test when it is absent. */
    public static Path shared(String relative) {
        Path path = repo().resolveSibling("shared").resolve("data").resolve(relative);
        assumeTrue(Files.exists(path), () -> "skipped: shared test data not found at " + path
                + " (it exists only on development and CI machines)");
        return path;
    }

    /** Returns {@code src/test/resources/<relative>} under the repository. */
    public static Path resource(String relative) {
        return repo().resolve("src/test/resources").resolve(relative);
    }
}
