package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.gse.decode.DecodeLimits;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.eval.Baselines;
import org.gse.eval.ModelScorer;
import org.gse.eval.Scorer;
import org.gse.model.EncoderFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gse similarity}: scores one pair of stickers and decides whether they mean the same thing. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = {"Score how similar two stickers are and decide at a threshold (similar when score >= threshold).",
                "Uses the bundled default model unless --model PATH or a weight-free --baseline is given. A model"
                        + " bundle's threshold comes from its model card (gse.json) unless --threshold is given;"
                        + " a baseline needs the --threshold that gse eval chose for it."})
public final class SimilarityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "The first sticker file.")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "The second sticker file.")
    Path second;

    @Option(names = "--model", paramLabel = "PATH", description = "The model to score with (default: the bundled model in models/default).")
    Path model;

    @Option(names = "--baseline", paramLabel = "NAME", description = "A baseline instead of a model: thumbnail,"
            + " histogram or phash.")
    String baseline;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Decision threshold, in [-1, 1] for a model and in [0, 1] for a baseline (for example a"
                    + " scorer's threshold in gse eval's report.json; default: the threshold in the model bundle's"
                    + " gse.json).")
    Double threshold;

    @Option(names = "--json", description = "Print a JSON object with score, threshold and similar.")
    boolean json;

    @Mixin
    DecodeLimitOptions limitOptions;

    private final EncoderFactory opener;
    private final Function<DecodeLimits, StickerDecoder> decoders;

    public SimilarityCommand() {
        this(CommandServices.encoderFactory(), StickerDecoder::withAllFormats);
    }

    public SimilarityCommand(EncoderFactory opener, Function<DecodeLimits, StickerDecoder> decoders) {
        this.opener = opener;
        this.decoders = decoders;
    }

    @Override
    public Integer call() throws IOException {
        if (model != null && baseline != null) {
            throw new IllegalArgumentException("give either --model PATH or --baseline NAME ("
                    + String.join(", ", Baselines.NAMES) + "), not both");
        }
        if (threshold != null) {
            requireThresholdInRange(threshold, baseline != null);
        }
        Path modelPath = model;
        if (model == null && baseline == null) {
            modelPath = DefaultModel.require();
        }
        String modelName = modelPath == null ? null : DefaultModel.scorerName(modelPath);
        Double threshold = this.threshold;
        String thresholdSource = threshold == null ? null : "option";
        if (threshold == null && modelPath != null) {
            OptionalDouble card = DefaultModel.cardThreshold(modelPath);
            if (card.isPresent()) {
                threshold = card.getAsDouble();
                thresholdSource = "model card";
            }
        }

        double score;
        String name;
        try (Scorer<?> scorer = modelPath != null ? ModelScorer.of(modelName, opener.open(modelPath))
                : Baselines.create(baseline)) {
            StickerDecoder decoder = decoders.apply(limitOptions.toLimits());
            Sticker a = decoder.decode(first);
            Sticker b = decoder.decode(second);
            score = scorer.score(a, b);
            name = scorer.name();
        }
        Boolean similar = threshold == null ? null : score >= threshold;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("score", score);
            if (threshold == null) {
                node.putNull("threshold");
                node.putNull("similar");
            } else {
                node.put("threshold", threshold);
                node.put("threshold_source", thresholdSource);
                node.put("similar", similar);
            }
            node.put("scorer", name);
            node.put("a", first.toString());
            node.put("b", second.toString());
            out.println(node.toString());
        } else if (threshold == null) {
            out.printf(Locale.ROOT, "score %.6f (%s); no threshold given, so no decision: pass --threshold%n", score,
                    name);
        } else {
            out.printf(Locale.ROOT, "score %.6f  threshold %.6f  %s (%s%s)%n", score, threshold,
                    similar ? "similar" : "not similar", name,
                    thresholdSource.equals("model card") ? ", threshold from the model card" : "");
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /**
     * Rejects a threshold that no score can reach or that every score passes. A model's score is the cosine of two
     * embeddings, in [-1, 1]. The three baselines (thumbnail cosine of non-negative pixel values, histogram
     * intersection and perceptual-hash similarity) all score in [0, 1].
     */
    static void requireThresholdInRange(double threshold, boolean baseline) {
        double min = baseline ? 0 : -1;
        String scorer = baseline ? "a baseline score" : "a model score (cosine similarity)";
        if (!Double.isFinite(threshold) || threshold < min || threshold > 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--threshold %s is outside [%d, 1], the range of %s. Pass a value in that range", threshold,
                    (int) min, scorer));
        }
    }
}
