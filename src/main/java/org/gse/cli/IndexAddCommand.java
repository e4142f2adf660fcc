package org.gse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.embed.StickerEmbedder;
import org.gse.index.StickerEntry;
import org.gse.index.StickerIndex;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gse index add}: decodes, embeds and adds stickers to an index, one commit per batch. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add stickers to an index, creating it when the folder contains none.",
                "Folders are walked. The same content (sha256) is stored once: adding it again replaces its path"
                        + " and labels. Broken stickers are reported and the batch goes on.",
                "Each batch is one commit, so an interrupted run keeps every finished batch."})
public final class IndexAddCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(IndexAddCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
    Path indexFolder;

    @Option(names = "--model", paramLabel = "PATH", description = "Model folder (default: the default model).")
    Path model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Stickers added to the index per commit, and frames per forward pass"
                    + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--label", paramLabel = "TEXT",
            description = "Label stored with every sticker of this run; repeat for several labels.")
    List<String> labels = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Sticker files or folders to walk.")
    List<Path> inputs;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Mixin
    EmbeddingCacheOptions cacheOptions;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Path> files = InputWalker.listFiles(inputs);
        log.info("Adding {} files to index {}", files.size(), indexFolder);
        int[] added = {0};
        int[] cached = {0};
        List<StickerEmbedder.Result> failures = new ArrayList<>();
        try (Encoder encoder = CommandServices.encoderFactory().open(model);
                StickerIndex index = StickerIndex.openForWriting(indexFolder, encoder.modelId(),
                        encoder.embeddingSize());
                Progress progress = new Progress("index add", files.size())) {
            StickerEmbedder embedder = CommandServices.embedder(encoder, limitOptions, cacheOptions, batchSize);
            embedder.run(files, batchSize, chunk -> {
                List<StickerEntry> entries = new ArrayList<>(chunk.size());
                for (StickerEmbedder.Result result : chunk) {
                    if (!result.ok()) {
                        failures.add(result);
                        continue;
                    }
                    entries.add(new StickerEntry(result.sha256(), result.file().toString(), result.format(),
                            labels, result.frameCount(), result.embedding()));
                    cached[0] += result.cached() ? 1 : 0;
                }
                if (!entries.isEmpty()) {
                    index.add(entries);
                }
                added[0] += entries.size();
            }, progress::step);

            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "added %d stickers (%d from cache), %d failed; index %s holds %d stickers%n",
                    added[0], cached[0], failures.size(), indexFolder, index.size());
            for (StickerEmbedder.Result failure : failures) {
                out.printf(Locale.ROOT, "failed: %s: %s%n", failure.file(), failure.error());
            }
            out.flush();
        }
        log.info("Added {} stickers to {}, {} failed", added[0], indexFolder, failures.size());
        return added[0] == 0 && !files.isEmpty() ? Main.EXIT_FAILED_INPUTS : Main.EXIT_OK;
    }
}
