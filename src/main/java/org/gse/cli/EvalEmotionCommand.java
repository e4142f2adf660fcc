package org.gse.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.gse.data.LabelledStickers;
import org.gse.embed.LabelledEmbeddings;
import org.gse.embed.StickerEmbedder;
import org.gse.eval.EmotionProbe;
import org.gse.eval.EmotionReport;
import org.gse.eval.Provenance;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse eval-emotion}: linear probe and kNN on sticker embeddings, scored by stratified k-fold. */
@Command(name = "eval-emotion", mixinStandardHelpOptions = true,
        description = {"Classify stickers by label (for example emotion) from their embeddings: a linear probe"
                + " (multinomial logistic regression) and kNN, under stratified k-fold cross-validation.",
                "Reports accuracy and macro-F1 with bootstrap intervals and a confusion matrix, in report.json"
                        + " and report.md."})
public final class EvalEmotionCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(EvalEmotionCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    LabelSource source;

    @Option(names = "--model", paramLabel = "PATH",
            description = "Model folder; repeat to compare models (default: the default model).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "emotion-report",
            description = "Folder for report.json and report.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "5",
            description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "20",
            description = "SGD passes over the training folds for the linear probe (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--learning-rate", paramLabel = "RATE", defaultValue = "0.1",
            description = "AdaGrad initial learning rate of the linear probe (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--neighbours", paramLabel = "K", defaultValue = "5",
            description = "k of the kNN classifier (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples over stickers (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--confidence", paramLabel = "P", defaultValue = "0.95",
            description = "Interval coverage (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "Seed for folds, SGD order and bootstrap (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Frames per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Mixin
    EmbeddingCacheOptions cacheOptions;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<LabelledStickers.Labelled> rows = source.read();
        List<Path> files = rows.stream().map(LabelledStickers.Labelled::path).toList();
        List<String> labels = rows.stream().map(LabelledStickers.Labelled::label).toList();
        List<Path> modelList = models.isEmpty() ? Arrays.asList((Path) null) : models;
        EmotionProbe.Settings settings = new EmotionProbe.Settings(folds, epochs, learningRate, neighbours,
                resamples, confidence, seed);

        List<EmotionReport.ModelResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path model : modelList) {
            try (Encoder encoder = CommandServices.encoderFactory().open(model);
                    Progress progress = new Progress("embed " + encoder.modelId(), files.size())) {
                StickerEmbedder embedder = CommandServices.embedder(encoder, limitOptions, cacheOptions, batchSize);
                LabelledEmbeddings data = LabelledEmbeddings.embed(files, labels, embedder, progress::step);
                if (results.isEmpty()) {
                    skipped.addAll(data.skipped());
                }
                log.info("Classifying {} stickers embedded by {}", data.keys().size(), encoder.modelId());
                results.add(new EmotionReport.ModelResult(encoder.modelId(), data.keys().size(),
                        EmotionProbe.evaluate(data.embeddings(), data.labels(), settings)));
            }
        }

        List<String> modelNames = modelList.stream().map(m -> m == null ? "default" : m.toString()).toList();
        EmotionReport report = new EmotionReport(Provenance.of(source.source(), source.isFile(), seed, modelNames),
                settings, results, skipped);
        report.write(out);
        spec.commandLine().getOut().print(report.toMarkdown());
        spec.commandLine().getOut().flush();
        log.info("Wrote {} and {}", out.resolve("report.json"), out.resolve("report.md"));
        return Main.EXIT_OK;
    }
}
