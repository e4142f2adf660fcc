package org.gse.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gse.eval.Estimate;
import org.gse.eval.Provenance;

/**
 * The files {@code gse eval-retrieval} writes: {@code report.json} (provenance, settings, every metric with its
 * interval, and the files that failed) and {@code report.md} (the same numbers as tables).
 *
 * @param provenance where the numbers came from
 * @param definitions one sentence per metric, so the JSON file explains itself
 * @param results one entry per model
 * @param skipped files that could not be decoded or embedded, and duplicate content left out
 */
public record RetrievalReport(Provenance provenance, Map<String, String> definitions,
        List<RetrievalEvaluation.Result> results, List<String> skipped) {

    /** Metric definitions written into every report. */
    public static final Map<String, String> DEFINITIONS = Map.of(
            "R@k", "1 when a different sticker with the query's label is among the first k results, else 0;"
                    + " averaged over queries",
            "MRR", "mean over queries of 1 / rank of the first sticker with the query's label (0 if none retrieved)",
            "mAP", "mean over queries of average precision at the retrieval depth, normalised by all stickers"
                    + " that share the query's label",
            "recall@k", "HNSW's share of the exact top k, averaged over queries",
            "ties", "equal scores rank non-relevant results first, so ties never help",
            "excluded", "queries whose label no other sticker has are left out of R@k, MRR and mAP");

    /** Writes {@code report.json} and {@code report.md} into {@code folder}. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .writeValue(folder.resolve("report.json").toFile(), this);
        Files.writeString(folder.resolve("report.md"), toMarkdown());
    }

    /** Returns the Markdown report. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Retrieval evaluation\n\n");
        md.append(String.format(Locale.ROOT, "Labels: `%s` (sha256 `%s`). Seed %d. gse %s, Java %s, %s.%n%n",
                provenance.dataFile(), provenance.dataSha256(), provenance.seed(), provenance.gseVersion(),
                provenance.javaVersion(), provenance.createdAt()));
        md.append("Each sticker queries all others; a hit is a different sticker with the same label. Equal scores"
                + " rank non-relevant results first. Queries whose label occurs once are left out of R@k, MRR and"
                + " mAP. Intervals are percentile bootstrap intervals over queries.\n\n");
        for (RetrievalEvaluation.Result result : results) {
            RetrievalEvaluation.Settings settings = result.settings();
            md.append(String.format(Locale.ROOT, "## Model `%s`%n%n", result.modelId()));
            md.append(String.format(Locale.ROOT, "%d stickers; %d queries scored, %d without a relevant sticker;"
                    + " depth %d; HNSW ef %d; %d resamples, %.0f%% intervals.%n%n", result.stickers(),
                    result.queriesWithRelevant(), result.queriesWithoutRelevant(), settings.depth(),
                    settings.candidates(), settings.resamples(), settings.confidence() * 100));
            md.append("| metric | exact | HNSW |\n| --- | --- | --- |\n");
            for (String name : result.exact().keySet()) {
                md.append("| ").append(name).append(" | ").append(format(result.exact().get(name))).append(" | ")
                        .append(format(result.hnsw().get(name))).append(" |\n");
            }
            md.append("\n| HNSW against exact | value |\n| --- | --- |\n");
            for (Map.Entry<String, Estimate> entry : result.hnswRecall().entrySet()) {
                md.append("| ").append(entry.getKey()).append(" | ").append(format(entry.getValue())).append(" |\n");
            }
            md.append('\n');
        }
        if (!skipped.isEmpty()) {
            md.append("## Skipped files\n\n");
            for (String line : skipped) {
                md.append("- ").append(line).append('\n');
            }
        }
        return md.toString();
    }

    static String format(Estimate estimate) {
        if (Double.isNaN(estimate.value())) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", estimate.value(), estimate.low(), estimate.high());
    }
}
