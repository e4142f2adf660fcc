package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.index.IndexInfo;
import org.gse.index.StickerIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse index info}: prints the model, size and commit of an index. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print an index's model id, embedding size, similarity, sticker count and HNSW settings.")
public final class IndexInfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
    Path indexFolder;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        IndexInfo info;
        try (StickerIndex index = StickerIndex.openForReading(indexFolder)) {
            info = index.info();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } else {
            out.printf(Locale.ROOT, "index:          %s%n", indexFolder);
            out.printf(Locale.ROOT, "model:          %s%n", info.modelId());
            out.printf(Locale.ROOT, "embedding size: %d%n", info.embeddingSize());
            out.printf(Locale.ROOT, "similarity:     %s on unit vectors (cosine)%n", info.similarity());
            out.printf(Locale.ROOT, "stickers:       %d%n", info.stickers());
            out.printf(Locale.ROOT, "segments:       %d%n", info.segments());
            out.printf(Locale.ROOT, "commit:         %d%n", info.generation());
            out.printf(Locale.ROOT, "hnsw:           M=%d, efConstruction=%d, default ef=%d%n", StickerIndex.MAX_CONN,
                    StickerIndex.BEAM_WIDTH, StickerIndex.DEFAULT_CANDIDATES);
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
