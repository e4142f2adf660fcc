package org.gse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.gse.data.LabelledStickers;
import org.gse.embed.LabelledEmbeddings;
import org.gse.embed.StickerEmbedder;
import org.gse.eval.Provenance;
import org.gse.index.RetrievalEvaluation;
import org.gse.index.RetrievalReport;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse eval-retrieval}: leave-one-out sticker retrieval scored by label, through HNSW and exact search. */
@Command(name = "eval-retrieval", mixinStandardHelpOptions = true,
        description = {"Score sticker-to-sticker retrieval: each sticker queries all others, and a hit is a"
                + " different sticker with the same label.",
                "Reports R@k, MRR and mAP with bootstrap intervals over queries, through the HNSW graph and an"
                        + " exact scan, and HNSW recall@k against exact. Writes report.json and report.md."})
public final class EvalRetrievalCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(EvalRetrievalCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    LabelSource source;

    @Option(names = "--model", paramLabel = "PATH",
            description = "Model folder; repeat to compare models (default: the default model).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "retrieval-report",
            description = "Folder for report.json and report.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "100",
            description = "Results retrieved per query; mAP is average precision at this depth"
                    + " (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--candidates", paramLabel = "EF", defaultValue = "100",
            description = "HNSW candidate list size, raised to the depth when smaller (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples over queries (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--confidence", paramLabel = "P", defaultValue = "0.95",
            description = "Interval coverage (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
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
        RetrievalEvaluation.Settings settings = new RetrievalEvaluation.Settings(depth, candidates,
                List.of(1, 5, 10).stream().filter(k -> k <= depth).toList(), resamples, confidence, seed);

        List<RetrievalEvaluation.Result> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path model : modelList) {
            try (Encoder encoder = CommandServices.encoderFactory().open(model);
                    Progress progress = new Progress("embed " + encoder.modelId(), files.size())) {
                StickerEmbedder embedder = CommandServices.embedder(encoder, limitOptions, cacheOptions, batchSize);
                LabelledEmbeddings data = LabelledEmbeddings.embed(files, labels, embedder, progress::step);
                if (results.isEmpty()) {
                    skipped.addAll(data.skipped());
                }
                Path scratch = Files.createTempDirectory("gse-eval-retrieval-");
                try {
                    results.add(RetrievalEvaluation.evaluate(encoder.modelId(), data.keys(), data.labels(),
                            data.embeddings(), scratch, settings));
                } finally {
                    TempFolders.deleteRecursively(scratch);
                }
            }
        }

        List<String> modelNames = modelList.stream().map(m -> m == null ? "default" : m.toString()).toList();
        RetrievalReport report = new RetrievalReport(Provenance.of(source.source(), source.isFile(), seed,
                modelNames), RetrievalReport.DEFINITIONS, results, skipped);
        report.write(out);
        spec.commandLine().getOut().print(report.toMarkdown());
        spec.commandLine().getOut().flush();
        log.info("Wrote {} and {}", out.resolve("report.json"), out.resolve("report.md"));
        return Main.EXIT_OK;
    }
}
