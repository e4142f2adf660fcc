package org.gse.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.gse.data.LabelledStickers;
import picocli.CommandLine.Option;

/** Source of labelled stickers: a {@code path,label} CSV or a SER30K folder, exactly one of them. */
public final class LabelSource {

    @Option(names = "--labels", paramLabel = "CSV",
            description = "CSV with 'path,label' rows; relative paths resolve against the CSV's folder.")
    Path csv;

    @Option(names = "--ser30k", paramLabel = "DIR",
            description = "SER30K folder (Annotations/image-level/SPLIT.json and Images/); see --split.")
    Path ser30k;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "SER30K split to read: train, val or test (default: ${DEFAULT-VALUE}).")
    String split;

    /** Returns the labelled stickers. */
    List<LabelledStickers.Labelled> read() throws IOException {
        if ((csv == null) == (ser30k == null)) {
            throw new IllegalArgumentException("give exactly one of --labels CSV and --ser30k DIR, got "
                    + (csv == null ? "neither" : "both"));
        }
        return csv != null ? LabelledStickers.readCsv(csv) : LabelledStickers.readSer30k(ser30k, split);
    }

    /** Returns the file or folder read, for provenance. */
    Path source() {
        return csv != null ? csv : ser30k;
    }

    /** Returns true when the source is a single file whose hash belongs in the provenance. */
    boolean isFile() {
        return csv != null;
    }
}
