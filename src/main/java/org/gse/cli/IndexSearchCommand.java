package org.gse.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.decode.Sticker;
import org.gse.index.SearchHit;
import org.gse.index.StickerIndex;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse index search}: the stickers nearest to a sticker or a text query. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Find the stickers of an index nearest to a sticker file or to a text query.",
                "Scores are cosine similarities. Text queries need a model with a text tower."})
public final class IndexSearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
    Path indexFolder;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    static final class Query {
        @Option(names = "--sticker", paramLabel = "FILE", description = "Sticker file to search with.")
        Path sticker;

        @Option(names = "--text", paramLabel = "QUERY", description = "Text to search with.")
        String text;
    }

    @Option(names = "--model", paramLabel = "PATH",
            description = "Model folder; must be the model the index was built with (default: the default model).")
    Path model;

    @Option(names = "-k", paramLabel = "K", defaultValue = "10",
            description = "Number of results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--candidates", paramLabel = "EF", defaultValue = "100",
            description = "HNSW candidate list size (ef); larger finds more true neighbours, slower"
                    + " (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--exact", description = "Scan every stored vector instead of walking the HNSW graph.")
    boolean exact;

    @Option(names = "--json", description = "Print a JSON list of {sha256, path, score}, best first.")
    boolean json;

    @Mixin
    DecodeLimitOptions limitOptions;

    /** One JSON result; the field names are part of the command's contract. */
    @JsonPropertyOrder({"sha256", "path", "score"})
    record Result(String sha256, String path, double score) {}

    @Override
    public Integer call() throws IOException {
        // The HTTP search endpoint rejects blank text with status 400, so the CLI rejects it the same way.
        if (query.text != null && query.text.isBlank()) {
            throw new IllegalArgumentException("--text is empty or only whitespace. Give the words to search for,"
                    + " such as --text \"happy cat\"");
        }

        List<SearchHit> hits;
        try (StickerIndex index = StickerIndex.openForReading(indexFolder);
                Encoder encoder = CommandServices.encoderFactory().open(model)) {
            index.requireModel(encoder.modelId(), encoder.embeddingSize());
            Embedding embedding = embedQuery(encoder);
            hits = exact ? index.exactSearch(embedding.vector(), k)
                    : index.search(embedding.vector(), k, candidates);
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Result> results = hits.stream().map(hit -> new Result(hit.sha256(), hit.path(), hit.score())).toList();
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        } else {
            out.printf(Locale.ROOT, "%4s %8s  %-64s  %s%n", "rank", "score", "sha256", "path");
            for (int i = 0; i < hits.size(); i++) {
                SearchHit hit = hits.get(i);
                out.printf(Locale.ROOT, "%4d %8.4f  %s  %s%n", i + 1, hit.score(), hit.sha256(), hit.path());
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private Embedding embedQuery(Encoder encoder) throws IOException {
        if (query.text != null) {
            if (!encoder.hasTextTower()) {
                throw new IllegalArgumentException("model " + encoder.modelId() + " cannot embed text: it has no"
                        + " text tower, or its folder has no tokenizer.json; search with --sticker FILE or use a CLIP"
                        + " model folder with a tokenizer.json");
            }
            return encoder.embedText(List.of(query.text)).getFirst();
        }
        Sticker sticker = CommandServices.decoder(limitOptions.toLimits()).decode(query.sticker);
        return encoder.embed(sticker);
    }
}
