package org.gse.eval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The files {@code gse eval-emotion} writes: {@code report.json} and {@code report.md}, with accuracy and
 * macro-F1 (each with its bootstrap interval) and the confusion matrix of every classifier and model.
 *
 * @param provenance where the numbers came from
 * @param settings cross-validation and classifier settings
 * @param results one entry per model
 * @param skipped files left out, with the reason
 */
public record EmotionReport(Provenance provenance, EmotionProbe.Settings settings, List<ModelResult> results,
        List<String> skipped) {

    /**
     * The probe's result for one model; per-sample predictions stay out of the JSON file.
     *
     * @param modelId the encoder's model id
     * @param stickers stickers classified
     */
    @JsonIgnoreProperties({"predicted"})
    public record ModelResult(String modelId, int stickers, EmotionProbe.Result result) {}

    /** Writes {@code report.json} and {@code report.md} into {@code folder}. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .addMixIn(EmotionProbe.MethodResult.class, WithoutPredictions.class)
                .writeValue(folder.resolve("report.json").toFile(), this);
        Files.writeString(folder.resolve("report.md"), toMarkdown());
    }

    @JsonIgnoreProperties({"predicted"})
    private abstract static class WithoutPredictions {}

    /** Returns the Markdown report. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Emotion classification\n\n");
        md.append(String.format(Locale.ROOT, "Labels: `%s`%s. Seed %d. gse %s, Java %s, %s.%n%n",
                provenance.dataFile(), provenance.dataSha256() == null ? "" : " (sha256 `" + provenance.dataSha256()
                        + "`)", provenance.seed(), provenance.gseVersion(), provenance.javaVersion(),
                provenance.createdAt()));
        md.append(String.format(Locale.ROOT, "Stratified %d-fold cross-validation on frozen embeddings. Linear probe:"
                + " multinomial logistic regression (Tribuo, AdaGrad %.3g, %d epochs) on standardised features."
                + " kNN: majority of %d nearest by cosine. Intervals: %.0f%% percentile bootstrap over samples,"
                + " %d resamples.%n%n", settings.folds(), settings.learningRate(), settings.epochs(),
                settings.neighbours(), settings.confidence() * 100, settings.resamples()));
        for (ModelResult model : results) {
            EmotionProbe.Result result = model.result();
            md.append(String.format(Locale.ROOT, "## Model `%s`%n%n%d stickers in %d classes.%n%n", model.modelId(),
                    model.stickers(), result.classes().size()));
            md.append("| classifier | accuracy | macro-F1 |\n| --- | --- | --- |\n");
            for (EmotionProbe.MethodResult method : result.methods()) {
                md.append("| ").append(method.method()).append(" | ").append(format(method.accuracy()))
                        .append(" | ").append(format(method.macroF1())).append(" |\n");
            }
            md.append('\n');
            for (EmotionProbe.MethodResult method : result.methods()) {
                md.append("Confusion matrix, ").append(method.method())
                        .append(" (rows: true class, columns: predicted class):\n\n");
                md.append("| true \\ predicted |");
                for (String name : result.classes()) {
                    md.append(' ').append(name).append(" |");
                }
                md.append("\n| --- |").append(" --- |".repeat(result.classes().size())).append('\n');
                for (int row = 0; row < result.classes().size(); row++) {
                    md.append("| ").append(result.classes().get(row)).append(" |");
                    for (long count : method.confusion()[row]) {
                        md.append(' ').append(count).append(" |");
                    }
                    md.append('\n');
                }
                md.append('\n');
            }
        }
        if (!skipped.isEmpty()) {
            md.append("## Skipped files\n\n");
            for (String line : skipped) {
                md.append("- ").append(line).append('\n');
            }
        }
        return md.toString();
    }

    private static String format(Estimate estimate) {
        if (Double.isNaN(estimate.value())) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", estimate.value(), estimate.low(), estimate.high());
    }
}
