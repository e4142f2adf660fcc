package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.gse.TestData;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.engine.Models;
import org.gse.model.ClipEncoderBase;
import org.gse.model.Embedding;
import org.gse.model.ClipCheckpoint;
import org.gse.model.ModelBundle;
import org.gse.model.Safetensors;
import org.gse.model.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end training of a tiny CLIP from random weights on generated shape stickers: an image-text stage that
 * trains everything, then an image-image stage on the last vision block with augmentation.
 */
class TrainerTest {

    @TempDir
    static Path folder;

    @BeforeAll
    static void writeData() throws IOException {
        // One PyTorch thread: multi-threaded CPU kernels here do not repeat bit for bit, and AdamW turns those
        // last-bit differences into steps of the learning rate's size. One thread is also faster on a tiny model.
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ai.djl.engine.Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        ShapeStickers.write(folder, 8, 3);
    }

    private static Path config(String name, int firstEpochs, String extraStage) throws IOException {
        String tokenizer = TestData.resource("clip/tokenizer/tokenizer.json").toString();
        String yaml = """
                base:
                  tokenizer: %s
                  architecture:
                    projection_dim: 16
                    vision_config: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2,
                                    num_attention_heads: 4, image_size: 32, patch_size: 8}
                    text_config: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2,
                                  num_attention_heads: 4, max_position_embeddings: 12,
                                  vocab_size: 834, bos_token_id: 832, eos_token_id: 833}
                seed: 11
                output: %s
                validation_fraction: 0.25
                log_every: 5
                stages:
                  - name: queries
                    kind: image-text
                    images: images
                    queries: queries.csv
                    train: all
                    epochs: %d
                    batch_size: 6
                    learning_rate: 3e-3
                    warmup_steps: 2
                    patience: 0
                    augment: false
                %s""".formatted(tokenizer, name, firstEpochs, extraStage);
        Path file = folder.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String PAIR_STAGE = String.join("\n",
            "  - name: pairs",
            "    kind: image-image",
            "    images: images",
            "    pairs: pairs.csv",
            "    train: {last_blocks: 1}",
            "    epochs: 2",
            "    batch_size: 8",
            "    accumulation_steps: 2",
            "    learning_rate: 1e-3",
            "    temperature: 0.1",
            "");

    @Test
    void tinyModelOverfitsShapes() throws IOException {
        Path file = config("overfit", 14, PAIR_STAGE);
        Trainer.Result result = new Trainer(TrainConfig.read(file), null).run(false);

        assertFalse(result.interrupted());
        ObjectNode card = ModelBundle.readCard(result.bundle());
        JsonNode history = card.get("stages").get(0).get("history");
        double firstLoss = history.get(0).get("train_loss").asDouble();
        double lastLoss = history.get(history.size() - 1).get("train_loss").asDouble();
        assertTrue(lastLoss < 0.6 * firstLoss, "image-text loss fell from " + firstLoss + " to " + lastLoss);
        double textAuc = card.get("stages").get(0).get("validation_auc").asDouble();
        assertTrue(textAuc > 0.9, "image-text validation AUC " + textAuc);
        double pairAuc = card.get("validation").get("auc").asDouble();
        assertTrue(pairAuc > 0.9, "image-image validation AUC " + pairAuc + "; card " + card);
        assertTrue(card.get("threshold").isNumber(), "threshold recorded");
        assertEquals(2, card.get("stages").size());
        assertEquals(64, card.get("stages").get(1).get("data_sha256").asText().length());

        // Every command loads a bundle through ClipCheckpoint: the folder is an HF model folder.
        ClipCheckpoint loaded = ClipCheckpoint.load(result.bundle());
        assertEquals(16, loaded.config().projectionDim());
        assertTrue(Files.isRegularFile(result.bundle().resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(result.bundle().resolve("preprocessor_config.json")));
        assertFalse(Files.exists(result.checkpoint()), "checkpoint folder removed after success");

        // The engine's entry point opens the bundle, and its embeddings keep what the last (image-image) stage
        // learned: a red circle is closer to another red circle than to a blue triangle.
        Models.Options options = Models.Options.defaults().withEngine(Models.Engine.DJL)
                .withFramePolicy(FramePolicy.MIDDLE).withCacheDir(folder.resolve("cache"));
        try (ClipEncoderBase encoder = Models.open(result.bundle(), options)) {
            List<Embedding> images = encoder.embedFrames(List.of(frame("red_circle_1.png"),
                    frame("red_circle_2.png"), frame("blue_triangle_2.png")));
            double same = images.get(0).cosine(images.get(1));
            double different = images.get(0).cosine(images.get(2));
            assertTrue(same > different, "red circle to red circle " + same + ", to blue triangle " + different);
            assertEquals(2, encoder.embedText(List.of("red circle", "blue triangle")).size());
        }
    }

    private static Frame frame(String name) throws IOException {
        return Frame.of(ImageIO.read(folder.resolve("images").resolve(name).toFile()), 0);
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        Path file = config("resume", 3, "");
        TrainConfig config = TrainConfig.read(file);
        Trainer.Result whole = new Trainer(config, null).run(false);
        Map<String, Tensor> expected = Safetensors.read(whole.bundle().resolve("model.safetensors"));

        // Stop in the middle of the second epoch, as Ctrl-C would, then resume.
        AtomicInteger steps = new AtomicInteger();
        Trainer[] first = new Trainer[1];
        first[0] = new Trainer(config, new Trainer.Listener() {
            @Override
            public void step(String label, int epoch, int epochs, double loss, double learningRate) {
                if (epoch == 2 && steps.incrementAndGet() == 1) {
                    first[0].requestStop();
                }
            }
        });
        Trainer.Result stopped = first[0].run(false);
        assertTrue(stopped.interrupted(), "the first run stopped early");
        assertTrue(Files.exists(stopped.checkpoint().resolve("state.safetensors")));
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config, null).run(false),
                "a fresh start over an existing checkpoint is rejected");

        Trainer.Result resumed = new Trainer(config, null).run(true);
        Map<String, Tensor> actual = Safetensors.read(resumed.bundle().resolve("model.safetensors"));
        // NOTE: within 1e-6 rather than bitwise. Under a load average near 30 on 2 cores, a two-stage run once
        // differed by up to 6e-3 (AdamW magnifies last-bit differences to steps of the learning rate's size), and
        // the cause is not pinned down. resumeInsideAugmentedStageEqualsUninterruptedRun covers the augmented stage.
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        String worstKey = null;
        for (String key : expected.keySet()) {
            float[] a = expected.get(key).data();
            float[] b = actual.get(key).data();
            for (int i = 0; i < a.length; i++) {
                if (Math.abs(a[i] - b[i]) > worst) {
                    worst = Math.abs(a[i] - b[i]);
                    worstKey = key;
                }
            }
        }
        assertTrue(worst <= 1e-6, "largest weight difference after resume " + worst + " in " + worstKey);
    }

    @Test
    void resumeInsideAugmentedStageEqualsUninterruptedRun() throws IOException {
        Path file = config("resume-augmented", 1, PAIR_STAGE);
        TrainConfig config = TrainConfig.read(file);
        // A garbage collection requested after every step lets the JVM free unreachable direct buffers early, so a
        // tensor whose native storage outlives its Java owner is more likely to read freed memory here.
        Trainer.Listener collectGarbage = new Trainer.Listener() {
            @Override
            public void step(String label, int epoch, int epochs, double loss, double learningRate) {
                System.gc();
            }
        };
        Trainer.Result whole = new Trainer(config, collectGarbage).run(false);
        Map<String, Tensor> expected = Safetensors.read(whole.bundle().resolve("model.safetensors"));

        // Stop after the first optimizer step of the augmented image-image stage, then resume.
        Trainer[] first = new Trainer[1];
        first[0] = new Trainer(config, new Trainer.Listener() {
            @Override
            public void step(String label, int epoch, int epochs, double loss, double learningRate) {
                System.gc();
                if (label.contains("pairs")) {
                    first[0].requestStop();
                }
            }
        });
        Trainer.Result stopped = first[0].run(false);
        assertTrue(stopped.interrupted(), "the first run stopped inside the pairs stage");
        Trainer.Result resumed = new Trainer(config, collectGarbage).run(true);
        Map<String, Tensor> actual = Safetensors.read(resumed.bundle().resolve("model.safetensors"));

        assertEquals(expected.keySet(), actual.keySet());
        for (String key : expected.keySet()) {
            assertTrue(java.util.Arrays.equals(expected.get(key).data(), actual.get(key).data()),
                    "weights of " + key + " differ after a resume inside the augmented stage");
        }
    }

    private static final String MLP_HEAD_STAGE = String.join("\n",
            "  - name: mlp-head",
            "    kind: image-image",
            "    images: images",
            "    pairs: pairs.csv",
            "    train: head",
            "    head: {type: mlp, hidden: 24}",
            "    epochs: 6",
            "    batch_size: 8",
            "    learning_rate: 3e-3",
            "    temperature: 0.1",
            "    patience: 0",
            "");

    @Test
    void mlpHeadRoundTripsAcrossEngines() throws Exception {
        Path file = config("mlp", 1, MLP_HEAD_STAGE);
        Trainer.Result result = new Trainer(TrainConfig.read(file), null).run(false);

        // The head trains: the loss of the head stage falls.
        ObjectNode card = ModelBundle.readCard(result.bundle());
        JsonNode history = card.get("stages").get(1).get("history");
        double firstLoss = history.get(0).get("train_loss").asDouble();
        double lastLoss = history.get(history.size() - 1).get("train_loss").asDouble();
        assertTrue(lastLoss < firstLoss, "mlp head loss fell from " + firstLoss + " to " + lastLoss);

        // The bundle declares the head in config.json and stores its weights under gse_head.* keys.
        JsonNode configJson = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(result.bundle().resolve("config.json").toFile());
        assertEquals("mlp", configJson.at("/gse/vision_head/type").asText(), configJson.toString());
        assertEquals(24, configJson.at("/gse/vision_head/hidden").asInt(), configJson.toString());
        assertEquals("middle", configJson.at("/gse/frame_policy").asText(), configJson.toString());
        Map<String, Tensor> stored = Safetensors.read(result.bundle().resolve("model.safetensors"));
        assertEquals(List.of(24L, 32L), java.util.Arrays.stream(stored.get("gse_head.fc1.weight").shape())
                .boxed().toList());
        assertEquals(List.of(16L, 24L), java.util.Arrays.stream(stored.get("gse_head.fc2.weight").shape())
                .boxed().toList());

        // ClipCheckpoint reloads it with the head.
        ClipCheckpoint loaded = ClipCheckpoint.load(result.bundle());
        assertEquals(new org.gse.model.ClipConfig.VisionHead(24), loaded.config().visionHead());
        assertTrue(loaded.weights().containsKey("gse_head.fc2.bias"));

        // DJL and ONNX Runtime give the same embeddings, and they come from the MLP, not visual_projection.
        List<Frame> frames = List.of(frame("red_circle_1.png"), frame("green_square_2.png"),
                frame("blue_triangle_2.png"));
        Models.Options options = Models.Options.defaults().withFramePolicy(FramePolicy.MIDDLE)
                .withPrecision(Models.PrecisionChoice.FP32).withCacheDir(folder.resolve("cache-mlp"));
        List<Embedding> djl;
        List<Embedding> onnx;
        try (ClipEncoderBase encoder = Models.open(result.bundle(), options.withEngine(Models.Engine.DJL))) {
            djl = encoder.embedFrames(frames);
        }
        try (ClipEncoderBase encoder = Models.open(result.bundle(), options.withEngine(Models.Engine.ONNXRUNTIME))) {
            onnx = encoder.embedFrames(frames);
        }
        for (int i = 0; i < frames.size(); i++) {
            float[] a = djl.get(i).vector();
            float[] b = onnx.get(i).vector();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-4, "image " + i + " component " + j + ": DJL against ONNX Runtime");
            }
        }
        float[] pixels = new float[3 * 32 * 32];
        org.gse.model.ClipWeights withHead = org.gse.model.ClipWeights.of(loaded);
        org.gse.model.ClipWeights linear = new org.gse.model.ClipWeights(loaded.config().withVisionHead(null),
                loaded.weights());
        try (org.gse.djl.DjlClipModel mlpModel = new org.gse.djl.DjlClipModel(withHead);
                org.gse.djl.DjlClipModel linearModel = new org.gse.djl.DjlClipModel(linear)) {
            float[] a = mlpModel.imageFeatures(pixels, 1)[0];
            float[] b = linearModel.imageFeatures(pixels, 1)[0];
            assertFalse(java.util.Arrays.equals(a, b), "the mlp head changes the image features");
        }
    }

    @Test
    void resumeInsideMlpHeadStageEqualsUninterruptedRun() throws IOException {
        Path file = config("resume-mlp", 1, MLP_HEAD_STAGE);
        TrainConfig config = TrainConfig.read(file);
        Trainer.Result whole = new Trainer(config, null).run(false);
        Map<String, Tensor> expected = Safetensors.read(whole.bundle().resolve("model.safetensors"));

        // Stop in the second epoch of the head stage: the checkpoint then contains the added head's weights.
        Trainer[] first = new Trainer[1];
        first[0] = new Trainer(config, new Trainer.Listener() {
            @Override
            public void step(String label, int epoch, int epochs, double loss, double learningRate) {
                if (label.contains("mlp-head") && epoch == 2) {
                    first[0].requestStop();
                }
            }
        });
        assertTrue(first[0].run(false).interrupted(), "the first run stopped inside the head stage");
        Trainer.Result resumed = new Trainer(config, null).run(true);
        Map<String, Tensor> actual = Safetensors.read(resumed.bundle().resolve("model.safetensors"));

        assertEquals(expected.keySet(), actual.keySet());
        for (String key : expected.keySet()) {
            assertTrue(java.util.Arrays.equals(expected.get(key).data(), actual.get(key).data()),
                    "weights of " + key + " differ after a resume inside the mlp head stage");
        }
    }

    @Test
    void strayHeadKeysWithoutDeclarationRejected() throws Exception {
        Path file = config("stray", 1, MLP_HEAD_STAGE.replace("epochs: 6", "epochs: 1"));
        Trainer.Result result = new Trainer(TrainConfig.read(file), null).run(false);
        Path configFile = result.bundle().resolve("config.json");
        ObjectNode configJson = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(configFile.toFile());
        ((ObjectNode) configJson.get("gse")).remove("vision_head");
        Files.writeString(configFile, configJson.toString());

        org.gse.model.CheckpointException error = assertThrows(org.gse.model.CheckpointException.class,
                () -> ClipCheckpoint.load(result.bundle()));
        assertTrue(error.getMessage().contains("unexpected"), error.getMessage());
        assertTrue(error.getMessage().contains("gse_head.fc1.weight"), error.getMessage());
        assertTrue(error.getMessage().contains("gse_head.fc2.bias"), error.getMessage());
    }

    @Test
    void testStickerInTrainingDataFails() throws IOException {
        Path file = config("leak", 1, "");
        Files.writeString(folder.resolve("test.csv"),
                "sticker_id,sticker_id_2,label\nred_circle_0.png,other.png,1\n");
        String text = Files.readString(file).replace("validation_fraction:", "test: test.csv\nvalidation_fraction:");
        Files.writeString(file, text);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TrainConfig.read(file), null).run(false));
        assertTrue(error.getMessage().contains("red_circle_0.png"), error.getMessage());
        assertTrue(error.getMessage().contains("test file"), error.getMessage());
    }

    /** Splits the shape corpus: stickers 6 and 7 of each class validate, the rest train. */
    private static Path groupConfig(String name, String extra) throws IOException {
        Predicate<String> validationSticker = line -> line.contains("_6.png") || line.contains("_7.png");
        List<String> pairs = Files.readAllLines(folder.resolve("pairs.csv"));
        List<String> queries = Files.readAllLines(folder.resolve("queries.csv"));
        Files.write(folder.resolve("train-pairs.csv"), pairs.stream().filter(validationSticker.negate()).toList());
        Files.write(folder.resolve("train-queries.csv"), queries.stream().filter(validationSticker.negate()).toList());
        List<String> validation = new java.util.ArrayList<>(List.of("sticker_id,sticker_id_2,label"));
        List<String> ids = new java.util.ArrayList<>();
        for (String shape : ShapeStickers.CLASSES) {
            ids.add(shape.replace(' ', '_') + "_6.png");
            ids.add(shape.replace(' ', '_') + "_7.png");
        }
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                validation.add(ids.get(i) + "," + ids.get(j) + "," + (i / 2 == j / 2 ? 1 : 0));
            }
        }
        Files.write(folder.resolve("validation.csv"), validation);

        String tokenizer = TestData.resource("clip/tokenizer/tokenizer.json").toString();
        String yaml = """
                base:
                  tokenizer: %s
                  architecture:
                    projection_dim: 16
                    vision_config: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2,
                                    num_attention_heads: 4, image_size: 32, patch_size: 8}
                    text_config: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2,
                                  num_attention_heads: 4, max_position_embeddings: 12,
                                  vocab_size: 834, bos_token_id: 832, eos_token_id: 833}
                seed: 11
                output: %s
                validation: validation.csv
                stages:
                  - name: groups
                    kind: image-image
                    images: images
                    pairs: train-pairs.csv
                    train: all
                    loss: supcon
                    temperature: 0.2
                    epochs: 12
                    batch_size: 3
                    learning_rate: 3e-3
                    warmup_steps: 2
                    patience: 0
                  - name: text
                    kind: image-text
                    images: images
                    queries: train-queries.csv
                    train: text
                    epochs: 10
                    batch_size: 6
                    learning_rate: 3e-3
                    patience: 0
                    augment: false
                %s""".formatted(tokenizer, name, extra);
        Path file = folder.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void supervisedContrastiveThenLockedImageTextTraining() throws IOException {
        Trainer.Result result = new Trainer(TrainConfig.read(groupConfig("groups", "")), null).run(false);

        ObjectNode card = ModelBundle.readCard(result.bundle());
        JsonNode groups = card.get("stages").get(0);
        JsonNode text = card.get("stages").get(1);
        assertEquals(15, card.get("validation").get("pairs").asInt(), "the validation file's pairs: " + card);
        assertEquals("validation.csv", card.get("validation_file").asText(), "relative to the config's folder");
        assertEquals("train-pairs.csv", groups.get("data").asText(), "relative to the config's folder");
        assertFalse(card.has("validation_fraction"), "no stickers held out by hash");
        double auc = groups.get("validation_auc").asDouble();
        assertTrue(auc > 0.9, "supervised contrastive validation AUC " + auc);

        // The text stage trains the text tower only: the image embeddings, so the pair AUC, never change.
        for (JsonNode epoch : text.get("history")) {
            assertEquals(auc, epoch.get("validation_auc").asDouble(), 0.0, "text stage epoch " + epoch);
        }
        assertEquals(text.get("epochs").asInt(), text.get("best_epoch").asInt(),
                "a tie on validation keeps the later epoch, so the text stage ends with its last weights");
        JsonNode history = text.get("history");
        double firstLoss = history.get(0).get("train_loss").asDouble();
        double lastLoss = history.get(history.size() - 1).get("train_loss").asDouble();
        assertTrue(lastLoss < 0.8 * firstLoss, "text-tower loss fell from " + firstLoss + " to " + lastLoss);
    }

    @Test
    void validationStickerInTrainingDataFails() throws IOException {
        Path file = groupConfig("validation-leak", "");
        Files.writeString(folder.resolve("train-pairs.csv"), "red_circle_6.png,red_circle_1.png,1\n",
                java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TrainConfig.read(file), null).run(false));
        assertTrue(error.getMessage().contains("red_circle_6.png"), error.getMessage());
        assertTrue(error.getMessage().contains("validation file"), error.getMessage());
    }
}
