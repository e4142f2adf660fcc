package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.TestData;
import org.gse.model.ModelBundle;
import org.gse.train.ShapeStickers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gse train} and {@code gse model info} through the command line, on generated stickers. */
class TrainCommandTest {

    @TempDir
    static Path folder;

    @BeforeAll
    static void setUp() throws Exception {
        // One PyTorch thread: multi-threaded CPU kernels here do not repeat bit for bit, and AdamW turns those
        // last-bit differences into steps of the learning rate's size. One thread is also faster on a tiny model.
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ai.djl.engine.Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        ShapeStickers.write(folder, 4, 8);
        String json = """
                {"base": {"tokenizer": "%s",
                          "architecture": {"projection_dim": 8,
                              "vision_config": {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                                                "num_attention_heads": 2, "image_size": 16, "patch_size": 8},
                              "text_config": {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                                              "num_attention_heads": 2, "max_position_embeddings": 8,
                                              "vocab_size": 834, "bos_token_id": 832, "eos_token_id": 833}}},
                 "output": "ignored",
                 "validation_fraction": 0.3,
                 "test": "test.csv",
                 "stages": [{"kind": "image-text", "images": "images", "queries": "queries.csv", "train": "all",
                             "epochs": 1, "batch_size": 4},
                            {"kind": "image-image", "images": "images", "pairs": "pairs.csv", "train": "head",
                             "epochs": 1, "batch_size": 4}]}
                """.formatted(TestData.resource("clip/tokenizer/tokenizer.json").toString().replace("\\", "/"));
        Files.writeString(folder.resolve("train.json"), json);

        // Test stickers: copies under names that no training file lists.
        Path images = folder.resolve("images");
        Files.copy(images.resolve("red_circle_0.png"), images.resolve("test_red.png"));
        Files.copy(images.resolve("red_circle_1.png"), images.resolve("test_red_2.png"));
        Files.copy(images.resolve("blue_triangle_0.png"), images.resolve("test_blue.png"));
        Files.writeString(folder.resolve("test.csv"), "sticker_id,sticker_id_2,label\n"
                + "test_red.png,test_red_2.png,1\ntest_red.png,test_blue.png,0\n");
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void trainWritesBundleThatModelInfoPrints() throws Exception {
        Path bundle = folder.resolve("bundle");
        String[] train = run("train", "--config", folder.resolve("train.json").toString(), "--out", bundle.toString());
        assertEquals("0", train[0], "train failed: " + train[2]);
        assertTrue(train[1].contains("threshold"), train[1]);
        assertTrue(ModelBundle.isBundle(bundle));
        assertEquals(2, ModelBundle.readCard(bundle).path("test").path("pairs").asInt(), "test pairs scored");

        String[] info = run("model", "info", bundle.toString());
        assertEquals("0", info[0], info[2]);
        assertTrue(info[1].contains("random weights"), info[1]);
        assertTrue(info[1].contains("image-image"), info[1]);
        assertTrue(info[1].contains("sha256"), info[1]);
    }

    @Test
    void continuedRunCarriesBaseCard() throws Exception {
        Path first = folder.resolve("first");
        String[] train = run("train", "--config", folder.resolve("train.json").toString(), "--out", first.toString());
        assertEquals("0", train[0], "first run failed: " + train[2]);
        String json = """
                {"base": {"model": "first"},
                 "output": "second",
                 "validation_fraction": 0.3,
                 "stages": [{"name": "more-text", "kind": "image-text", "images": "images", "queries": "queries.csv",
                             "train": "text", "epochs": 1, "batch_size": 4}]}
                """;
        Files.writeString(folder.resolve("continue.json"), json);

        String[] again = run("train", "--config", folder.resolve("continue.json").toString());
        assertEquals("0", again[0], "continued run failed: " + again[2]);
        Path second = folder.resolve("second");
        JsonNode baseCard = ModelBundle.readCard(second).path("base_card");
        assertEquals(ModelBundle.readCard(first), baseCard, "the first run's card, unchanged");

        String[] info = run("model", "info", second.toString());
        assertEquals("0", info[0], info[2]);
        assertTrue(info[1].contains("more-text"), info[1]);
        assertTrue(info[1].contains("earlier run:"), info[1]);
        assertTrue(info[1].contains("base random weights"), info[1]);
    }

    @Test
    void configErrorIsOneLineWithField() throws Exception {
        Path bad = folder.resolve("bad.yaml");
        Files.writeString(bad, "base: {model: x}\noutput: y\nstages:\n  - {kind: image-text, images: i, queries: q,"
                + " epochs: 0}\n");
        String[] result = run("train", "--config", bad.toString());
        assertEquals(Integer.toString(Main.EXIT_USAGE), result[0]);
        assertTrue(result[2].contains("stages[0].epochs"), result[2]);
    }
}
