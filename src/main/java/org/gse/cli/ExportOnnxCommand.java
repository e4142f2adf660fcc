package org.gse.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.engine.Models;
import org.gse.model.ClipWeights;
import org.gse.onnx.ClipOnnxExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse export-onnx}: writes a checkpoint's towers as ONNX graphs generated in Java. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = {"Export a CLIP checkpoint's vision tower (and optionally its text tower) as ONNX graphs.",
                "Vision: input pixel_values float32 [batch,3,S,S], output image_embeds float32 [batch,projection_dim],"
                        + " NOT L2-normalised (Hugging Face get_image_features).",
                "Text: input input_ids int64 [batch,77], output text_embeds [batch,projection_dim], not normalised.",
                "Opset 17, standard operators; files are written to a temporary name, then renamed."})
public final class ExportOnnxCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ExportOnnxCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "Hugging Face folder (config.json + weights), .safetensors or .pt/.bin file.")
    Path model;

    @Parameters(index = "1", paramLabel = "OUT.onnx", description = "Where to write the vision graph.")
    Path out;

    @Option(names = "--text", paramLabel = "OUT_TEXT.onnx", description = "Also write the text graph here.")
    Path textOut;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32 (default) or int8 (dynamic quantisation of the transformer's linear layers).")
    String precision;

    @Override
    public Integer call() throws Exception {
        ClipOnnxExporter.Precision p;
        try {
            p = ClipOnnxExporter.Precision.valueOf(precision.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --precision '" + precision + "'; expected fp32 or int8");
        }
        String id = Models.modelId(model);
        ClipWeights weights = Models.loadWeights(model);
        if (textOut != null && !weights.config().hasText()) {
            throw new IllegalArgumentException(model + " has no text tower; drop --text");
        }
        long start = System.nanoTime();
        ClipOnnxExporter.exportVision(weights, p, out, id);
        if (textOut != null) {
            ClipOnnxExporter.exportText(weights, p, textOut, id);
        }
        PrintWriter writer = spec.commandLine().getOut();
        writer.printf(Locale.ROOT, "model %s (id %s), %s%n", model, id, p.id());
        writer.printf(Locale.ROOT, "vision: %s (%.1f MB), pixel_values [batch,3,%d,%d] -> image_embeds [batch,%d]%n",
                out, Files.size(out) / 1e6, weights.config().visionConfig().imageSize(),
                weights.config().visionConfig().imageSize(), weights.config().projectionDim());
        if (textOut != null) {
            writer.printf(Locale.ROOT, "text: %s (%.1f MB), input_ids [batch,%d] -> text_embeds [batch,%d]%n",
                    textOut, Files.size(textOut) / 1e6, weights.config().textConfig().maxPositionEmbeddings(),
                    weights.config().projectionDim());
        }
        writer.flush();
        log.info("Exported in {} ms", (System.nanoTime() - start) / 1_000_000);
        return Main.EXIT_OK;
    }
}
