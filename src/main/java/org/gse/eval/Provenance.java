package org.gse.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.gse.embed.StickerEmbedder;

/**
 * Origin of an evaluation's numbers (code, data, seed and models), written at the top of every report.
 *
 * @param gseVersion the jar's implementation version, or {@code development} when run from classes
 * @param javaVersion {@link Runtime#version()}
 * @param createdAt UTC time of the run, to the second
 * @param dataFile the labels file or dataset folder read
 * @param dataSha256 SHA-256 of the labels file, or null for a folder
 * @param seed seed of every random choice (folds, SGD order, bootstrap)
 * @param models the model folders given, {@code default} for the default model
 */
public record Provenance(String gseVersion, String javaVersion, String createdAt, String dataFile,
        String dataSha256, long seed, List<String> models) {

    /** Returns the provenance of a run that starts now. */
    public static Provenance of(Path dataFile, boolean hashData, long seed, List<String> models) throws IOException {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(version == null ? "development" : version, Runtime.version().toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), dataFile.toString(),
                hashData ? StickerEmbedder.sha256(dataFile) : null, seed, List.copyOf(models));
    }
}
