package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.embed.StickerEmbedder;
import org.gse.index.NearDuplicates;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gse dedupe}: groups of near-duplicate stickers. */
@Command(name = "dedupe", mixinStandardHelpOptions = true,
        description = {"Find groups of near-duplicate stickers: two stickers are linked when the cosine of their"
                + " embeddings is at least the threshold, and a group is a connected component of these links"
                + " (single linkage, so a chain of close stickers forms one group).",
                "Every pair is compared, so time grows with the square of the number of stickers."})
public final class DedupeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DedupeCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Sticker files or folders to walk.")
    List<Path> inputs;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.95",
            description = "Cosine at or above which two stickers are near-duplicates (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--model", paramLabel = "PATH", description = "Model folder (default: the default model).")
    Path model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Frames per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print a JSON list of groups instead of text.")
    boolean json;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Mixin
    EmbeddingCacheOptions cacheOptions;

    /** One group in the JSON output. */
    record GroupOutput(double minLinkCosine, List<Member> stickers) {}

    /** One sticker of a group. */
    record Member(String sha256, String path) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold must be a cosine in [-1, 1], got " + threshold);
        }
        List<Path> files = InputWalker.listFiles(inputs);
        List<StickerEmbedder.Result> results;
        try (Encoder encoder = CommandServices.encoderFactory().open(model);
                Progress progress = new Progress("dedupe", files.size())) {
            StickerEmbedder embedder = CommandServices.embedder(encoder, limitOptions, cacheOptions, batchSize);
            results = embedder.run(files, progress::step);
        }
        List<StickerEmbedder.Result> embedded = results.stream().filter(StickerEmbedder.Result::ok).toList();
        long failures = results.size() - embedded.size();
        List<Embedding> embeddings = embedded.stream().map(StickerEmbedder.Result::embedding).toList();
        List<NearDuplicates.Group> groups = NearDuplicates.group(embeddings, threshold);

        List<GroupOutput> output = new ArrayList<>(groups.size());
        for (NearDuplicates.Group group : groups) {
            List<Member> members = group.members().stream()
                    .map(i -> new Member(embedded.get(i).sha256(), embedded.get(i).file().toString())).toList();
            output.add(new GroupOutput(group.minCosine(), members));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(output));
        } else {
            for (int g = 0; g < output.size(); g++) {
                out.printf(Locale.ROOT, "group %d: %d stickers, weakest link cosine %.4f%n", g + 1,
                        output.get(g).stickers().size(), output.get(g).minLinkCosine());
                for (Member member : output.get(g).stickers()) {
                    out.printf(Locale.ROOT, "  %s  %s%n", member.sha256(), member.path());
                }
            }
            out.printf(Locale.ROOT, "%d groups among %d stickers (%d failed to decode or embed)%n", output.size(),
                    embedded.size(), failures);
        }
        out.flush();
        log.info("Found {} near-duplicate groups among {} stickers at threshold {}", output.size(), embedded.size(),
                threshold);
        return embedded.isEmpty() && !files.isEmpty() ? Main.EXIT_FAILED_INPUTS : Main.EXIT_OK;
    }
}
