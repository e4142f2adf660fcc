package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.gse.decode.Sticker;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.gse.model.EncoderFactory;
import org.gse.model.ModelBundle;
import org.gse.testing.StickerImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model bundle committed at models/default, opened by the real CLIP engine. */
class DefaultModelTest {

    @TempDir
    Path dir;

    @Test
    void bundledModelEmbedsGeneratedSticker() throws Exception {
        Path bundle = DefaultModel.require();
        assertTrue(ModelBundle.isBundle(bundle), bundle.toString());
        assertTrue(Files.size(bundle.resolve("model.safetensors")) < 30_000_000, "the bundle stays under 30 MB");
        OptionalDouble threshold = DefaultModel.cardThreshold(bundle);
        assertTrue(threshold.isPresent(), "gse.json records a threshold");

        Sticker sticker = StickerImages.sticker(StickerImages.draw(1, 0, 96), "a.png");
        try (Encoder encoder = EncoderFactory.installed().open(bundle)) {
            assertTrue(encoder.hasTextTower(), "the default model was trained with a text tower");
            Embedding embedding = encoder.embed(sticker);
            float[] vector = embedding.vector();
            assertEquals(encoder.embeddingSize(), vector.length);
            double norm = 0;
            for (float v : vector) {
                assertTrue(Float.isFinite(v), "finite embedding values");
                norm += v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-3, "embeddings are unit vectors");
        }
    }

    @Test
    void similarityWithoutModelUsesBundledModel() throws IOException {
        Path a = StickerImages.writePng(StickerImages.draw(2, 0, 96), dir.resolve("a.png"));
        Path b = StickerImages.writePng(StickerImages.draw(2, 1, 96), dir.resolve("b.png"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true),
                picocli.CommandLine.defaultFactory()).execute("similarity", a.toString(), b.toString(), "--json");
        assertEquals(Main.EXIT_OK, exit, err.toString());

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("default", json.get("scorer").asText());
        assertEquals(DefaultModel.cardThreshold(DefaultModel.require()).getAsDouble(),
                json.get("threshold").asDouble(), 1e-12);
        assertEquals("model card", json.get("threshold_source").asText());
        double score = json.get("score").asDouble();
        assertTrue(score >= -1, out.toString());
        assertTrue(score <= 1, out.toString());
        assertEquals(score >= json.get("threshold").asDouble(), json.get("similar").asBoolean());
    }
}
