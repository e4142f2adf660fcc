package org.gse.eval;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.gse.data.Pair;

/**
 * Writes an {@link Evaluation} as the four report files: {@code report.json}, {@code scores.csv},
 * {@code report.md} and {@code report.html}.
 *
 * <p>Files are written so that a reader never sees a half-written report: into a new sibling folder that is then
 * renamed to the report folder when the folder does not exist yet, or each file into a temporary file in the
 * folder that is then renamed over the old one when it does (other files in the folder are left alone).
 */
public final class ReportWriter {

    /** The files a report consists of. */
    public static final List<String> FILES = List.of("report.json", "scores.csv", "report.md", "report.html");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /**
     * Writes the report into {@code dir}.
     *
     * @param thumbnails returns a small PNG of a sticker id for the HTML page's hardest examples, or null when it
     *     cannot
     */
    public static void write(Evaluation evaluation, Path dir, Function<String, byte[]> thumbnails)
            throws IOException {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        contents.put("report.json", JSON.writeValueAsBytes(toJson(evaluation)));
        contents.put("scores.csv", scoresCsv(evaluation).getBytes(StandardCharsets.UTF_8));
        contents.put("report.md", markdown(evaluation).getBytes(StandardCharsets.UTF_8));
        contents.put("report.html", HtmlReport.render(evaluation, thumbnails).getBytes(StandardCharsets.UTF_8));
        Path target = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            for (Map.Entry<String, byte[]> file : contents.entrySet()) {
                Path temporary = AtomicFiles.createTempFile(target, "." + file.getKey() + "-", ".tmp");
                try {
                    Files.write(temporary, file.getValue());
                    move(temporary, target.resolve(file.getKey()));
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
            return;
        }
        if (Files.exists(target)) {
            throw new IOException("report path " + target + " exists and is not a folder");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temporary = AtomicFiles.createTempDirectory(parent, "." + target.getFileName() + "-");
        try {
            for (Map.Entry<String, byte[]> file : contents.entrySet()) {
                Files.write(temporary.resolve(file.getKey()), file.getValue());
            }
            move(temporary, target);
        } finally {
            if (Files.exists(temporary)) {
                for (String name : contents.keySet()) {
                    Files.deleteIfExists(temporary.resolve(name));
                }
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Returns the JSON report: {@code scorers}, {@code comparisons}, {@code data} and {@code provenance}. */
    public static ObjectNode toJson(Evaluation evaluation) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode scorers = root.putArray("scorers");
        for (Evaluation.ScorerResult result : evaluation.scorers()) {
            ObjectNode node = scorers.addObject();
            node.put("name", result.name());
            node.put("kind", result.baseline() ? "baseline" : "model");
            node.put("id", result.id());
            number(node, "threshold", result.threshold());
            number(node, "train_accuracy", result.trainAccuracy());
            number(node, "f1_threshold", result.f1Threshold());
            number(node, "train_f1", result.trainF1());
            ObjectNode test = node.putObject("test");
            ObjectNode skipped = JSON.createObjectNode();
            for (Map.Entry<String, Estimate> metric : result.test().entrySet()) {
                Estimate estimate = metric.getValue();
                ObjectNode value = test.putObject(metric.getKey());
                number(value, "value", estimate.value());
                number(value, "ci_low", estimate.low());
                number(value, "ci_high", estimate.high());
                skipped.put(metric.getKey(), estimate.skipped());
            }
            ObjectNode atF1 = node.putObject("test_at_f1_threshold");
            result.testAtF1Threshold().forEach((name, value) -> number(atF1, name, value));
            node.put("n_pairs", result.nPairs());
            node.put("n_missing", result.nMissing());
            node.set("bootstrap_skipped", skipped);
        }
        ArrayNode comparisons = root.putArray("comparisons");
        for (Evaluation.Comparison comparison : evaluation.comparisons()) {
            ObjectNode node = comparisons.addObject();
            node.put("a", comparison.a());
            node.put("b", comparison.b());
            ObjectNode differences = node.putObject("difference");
            for (Map.Entry<String, Bootstrap.Difference> metric : comparison.differences().entrySet()) {
                Estimate estimate = metric.getValue().estimate();
                ObjectNode value = differences.putObject(metric.getKey());
                number(value, "value", estimate.value());
                number(value, "ci_low", estimate.low());
                number(value, "ci_high", estimate.high());
                number(value, "p_value", metric.getValue().pValue());
            }
            ObjectNode delong = node.putObject("delong");
            DeLong.Result d = comparison.delong();
            number(delong, "auc_a", d.aucA());
            number(delong, "auc_b", d.aucB());
            number(delong, "z", d.z());
            number(delong, "p_value", d.pValue());
        }
        Evaluation.DataSummary data = evaluation.data();
        ObjectNode dataNode = root.putObject("data");
        dataNode.put("distinct_stickers", data.distinctStickers());
        dataNode.put("train_pairs_used", data.trainPairsUsed());
        dataNode.put("train_pairs_dropped", data.trainPairsDropped());
        dataNode.put("test_pairs_used", data.testPairsUsed());
        dataNode.put("test_pairs_dropped", data.testPairsDropped());
        ArrayNode missing = dataNode.putArray("missing_images");
        data.missingImages().forEach(missing::add);
        ObjectNode undecodable = dataNode.putObject("undecodable_images");
        data.undecodable().forEach(undecodable::put);

        Evaluation.Provenance p = evaluation.provenance();
        ObjectNode provenance = root.putObject("provenance");
        provenance.put("code_version", p.codeVersion());
        provenance.put("git_commit", p.gitCommit());
        provenance.put("date", p.date());
        provenance.set("train_pairs", pairFile(p.trainPairs()));
        provenance.set("test_pairs", pairFile(p.testPairs()));
        provenance.put("images", p.images());
        ObjectNode ids = provenance.putObject("scorer_ids");
        p.scorerIds().forEach(ids::put);
        provenance.put("seed", p.seed());
        provenance.put("bootstrap_resamples", p.resamples());
        provenance.put("confidence_level", p.confidenceLevel());
        provenance.put("threshold_rule", p.thresholdRule());
        provenance.put("machine", p.machine());
        return root;
    }

    private static JsonNode pairFile(Evaluation.PairFile file) {
        ObjectNode node = JSON.createObjectNode();
        node.put("path", file.path());
        node.put("sha256", file.sha256());
        node.put("pairs", file.pairs());
        node.put("positives", file.positives());
        return node;
    }

    /** Puts a number, or null for NaN or an infinity (which JSON cannot represent). */
    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    /** Returns {@code scores.csv}: one row per test pair and scorer, RFC 4180 quoting where needed, UTF-8. */
    public static String scoresCsv(Evaluation evaluation) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.builder()
                .addColumn("sticker_id")
                .addColumn("sticker_id_2")
                .addColumn("label")
                .addColumn("scorer")
                .addColumn("score")
                .setUseHeader(true)
                .setLineSeparator("\n")
                .build();
        StringWriter out = new StringWriter();
        try (var writer = mapper.writer(schema).without(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
                .writeValues(out)) {
            for (Evaluation.ScorerResult result : evaluation.scorers()) {
                List<Pair> pairs = evaluation.testPairs();
                for (int i = 0; i < pairs.size(); i++) {
                    Pair pair = pairs.get(i);
                    writer.write(List.of(pair.stickerId(), pair.stickerId2(), Integer.toString(pair.label()),
                            result.name(), Double.toString(result.testScores()[i])));
                }
            }
        }
        return out.toString();
    }

    /** Returns the scorers sorted by test AUC, highest first, undefined AUC last. */
    static List<Evaluation.ScorerResult> byAuc(Evaluation evaluation) {
        List<Evaluation.ScorerResult> sorted = new ArrayList<>(evaluation.scorers());
        sorted.sort(Comparator.comparingDouble((Evaluation.ScorerResult r) -> {
            double auc = r.test().get("auc").value();
            return Double.isNaN(auc) ? Double.NEGATIVE_INFINITY : auc;
        }).reversed());
        return sorted;
    }

    /** Returns the table of scorers, best test AUC first, as Markdown. */
    public static String markdownTable(Evaluation evaluation) {
        StringBuilder md = new StringBuilder();
        md.append("| scorer | threshold | accuracy | F1 | precision | recall | AUC | AP | pairs |\n");
        md.append("| --- | ---: | --- | --- | --- | --- | --- | --- | ---: |\n");
        for (Evaluation.ScorerResult r : byAuc(evaluation)) {
            md.append("| ").append(escapeMd(r.name())).append(" | ").append(format(r.threshold()));
            for (String metric : Evaluation.METRICS) {
                md.append(" | ").append(formatEstimate(r.test().get(metric)));
            }
            md.append(" | ").append(r.nPairs()).append(" |\n");
        }
        return md.toString();
    }

    /** Returns {@code report.md}. */
    public static String markdown(Evaluation evaluation) {
        Evaluation.Provenance p = evaluation.provenance();
        Evaluation.DataSummary data = evaluation.data();
        StringBuilder md = new StringBuilder("# Sticker similarity evaluation\n\n");
        md.append("Test metrics at each scorer's threshold (chosen on the training pairs to maximise accuracy; a pair"
                + " is similar when score >= threshold), with ").append(percent(p.confidenceLevel()))
                .append(" percentile-bootstrap intervals over test pairs (").append(p.resamples())
                .append(" resamples, seed ").append(p.seed()).append("). Best AUC first.\n\n");
        md.append(markdownTable(evaluation));
        if (!evaluation.comparisons().isEmpty()) {
            md.append("\n## Comparisons\n\n");
            md.append("Differences A - B on the same test pairs, paired bootstrap; DeLong's test for AUC.\n\n");
            md.append("| A | B | metric | difference | ").append(percent(p.confidenceLevel()))
                    .append(" CI | p (bootstrap) | p (DeLong) |\n");
            md.append("| --- | --- | --- | ---: | --- | ---: | ---: |\n");
            for (Evaluation.Comparison c : evaluation.comparisons()) {
                for (Map.Entry<String, Bootstrap.Difference> d : c.differences().entrySet()) {
                    Estimate e = d.getValue().estimate();
                    md.append("| ").append(escapeMd(c.a())).append(" | ").append(escapeMd(c.b())).append(" | ")
                            .append(d.getKey()).append(" | ").append(format(e.value())).append(" | [")
                            .append(format(e.low())).append(", ").append(format(e.high())).append("] | ")
                            .append(formatP(d.getValue().pValue())).append(" | ")
                            .append(d.getKey().equals("auc") ? formatP(c.delong().pValue()) : "").append(" |\n");
                }
            }
        }
        md.append("\n## Data\n\n");
        md.append("- training pairs: `").append(p.trainPairs().path()).append("` (").append(p.trainPairs().pairs())
                .append(" pairs, ").append(p.trainPairs().positives()).append(" similar; sha256 ")
                .append(p.trainPairs().sha256()).append("); used ").append(data.trainPairsUsed())
                .append(", dropped ").append(data.trainPairsDropped()).append('\n');
        md.append("- test pairs: `").append(p.testPairs().path()).append("` (").append(p.testPairs().pairs())
                .append(" pairs, ").append(p.testPairs().positives()).append(" similar; sha256 ")
                .append(p.testPairs().sha256()).append("); used ").append(data.testPairsUsed())
                .append(", dropped ").append(data.testPairsDropped()).append('\n');
        md.append("- images: `").append(p.images()).append("`; ").append(data.distinctStickers())
                .append(" distinct stickers, ").append(data.missingImages().size()).append(" missing, ")
                .append(data.undecodable().size()).append(" undecodable\n");
        md.append("\n## Provenance\n\n");
        md.append("- code: ").append(p.codeVersion()).append(p.gitCommit() == null ? "" : ", commit " + p.gitCommit())
                .append('\n');
        md.append("- date: ").append(p.date()).append('\n');
        md.append("- machine: ").append(p.machine()).append('\n');
        p.scorerIds().forEach((name, id) -> md.append("- ").append(escapeMd(name)).append(": ").append(escapeMd(id))
                .append('\n'));
        return md.toString();
    }

    static String formatEstimate(Estimate e) {
        if (Double.isNaN(e.value())) {
            return "n/a";
        }
        if (Double.isNaN(e.low())) {
            return format(e.value());
        }
        return format(e.value()) + " [" + format(e.low()) + ", " + format(e.high()) + "]";
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String formatP(double p) {
        if (Double.isNaN(p)) {
            return "n/a";
        }
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String percent(double level) {
        return String.format(Locale.ROOT, "%.0f%%", level * 100);
    }

    private static String escapeMd(String text) {
        return text.replace("|", "\\|");
    }
}
