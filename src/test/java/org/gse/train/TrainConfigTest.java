package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    private static final String VALID = """
            base:
              model: models/clip
            output: out/model
            stages:
              - kind: image-text
                images: images
                queries: queries.csv
                train: {last_blocks: 2}
                learning_rate: 1e-5
              - kind: image-image
                images: images
                pairs: pairs.csv
                loss: margin
                augment: {horizontal_flip: true}
            """;

    private static String error(String yaml) {
        return assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.parse(yaml, Path.of("/cfg"), null)).getMessage();
    }

    @Test
    void validConfigParses() {
        TrainConfig config = TrainConfig.parse(VALID, Path.of("/cfg"), null);
        assertEquals(Path.of("/cfg/models/clip"), config.base().model());
        assertEquals(2, config.stages().size());
        assertEquals(TrainConfig.Mode.LAST_BLOCKS, config.stages().get(0).mode());
        assertEquals(2, config.stages().get(0).lastBlocks());
        assertEquals(1e-5, config.stages().get(0).learningRate(), 0);
        assertEquals(TrainConfig.Loss.MARGIN, config.stages().get(1).loss());
        assertTrue(config.stages().get(1).augment().horizontalFlip());
        assertEquals(Path.of("/cfg/pairs.csv"), config.stages().get(1).data());
    }

    @Test
    void mlpHeadParses() {
        TrainConfig config = TrainConfig.parse(VALID.replace("loss: margin",
                "loss: margin\n    train: head\n    head: {type: mlp, hidden: 256}"), Path.of("/cfg"), null);
        assertEquals(new org.gse.model.ClipConfig.VisionHead(256), config.stages().get(1).head());
        assertEquals(null, config.stages().get(0).head(), "linear is the default");
    }

    @Test
    void mlpHeadOutsideHeadStageRejected() {
        String message = error(VALID.replace("loss: margin", "loss: margin\n    train: all\n    head: {type: mlp}"));
        assertTrue(message.contains("stages[1].head"), message);
        assertTrue(message.contains("train: head"), message);
    }

    @Test
    void badHeadTypeNamesField() {
        String message = error(VALID.replace("loss: margin",
                "loss: margin\n    train: head\n    head: {type: conv}"));
        assertTrue(message.contains("stages[1].head.type"), message);
        assertTrue(message.contains("conv"), message);
    }

    @Test
    void validationFileReplacesTheFraction() {
        TrainConfig config = TrainConfig.parse(VALID.replace("stages:", "validation: pairs/validation.csv\nstages:")
                .replace("validation_fraction: 0.2\n", ""), Path.of("/cfg"), null);
        assertEquals(Path.of("/cfg/pairs/validation.csv"), config.validation());
        assertEquals(0, config.validationFraction());
    }

    @Test
    void validationFileWithFractionRejected() {
        String message = error(VALID.replace("stages:", "validation: pairs/validation.csv\nvalidation_fraction: 0.1"
                + "\nstages:"));
        assertTrue(message.contains("validation_fraction"), message);
        assertTrue(message.contains("validation pair file"), message);
    }

    @Test
    void supconAndTextModeParse() {
        TrainConfig config = TrainConfig.parse(VALID.replace("loss: margin", "loss: supcon")
                .replace("train: {last_blocks: 2}", "train: text"), Path.of("/cfg"), null);
        assertEquals(TrainConfig.Loss.SUPCON, config.stages().get(1).loss());
        assertEquals(TrainConfig.Mode.TEXT, config.stages().get(0).mode());
    }

    @Test
    void textModeOnImageImageStageRejected() {
        String message = error(VALID.replace("loss: margin", "loss: margin\n    train: text"));
        assertTrue(message.contains("stages[1].train"), message);
        assertTrue(message.contains("image-text stage"), message);
    }

    @Test
    void negativeBatchSizeNamesField() {
        String message = error(VALID.replace("loss: margin", "loss: margin\n    batch_size: -3"));
        assertTrue(message.contains("stages[1].batch_size"), message);
        assertTrue(message.contains("-3"), message);
    }

    @Test
    void unknownFieldNamesField() {
        String message = error(VALID.replace("loss: margin", "loss: margin\n    epoch: 3"));
        assertTrue(message.contains("stages[1].epoch"), message);
        assertTrue(message.contains("unknown field"), message);
    }

    @Test
    void badKindNamesField() {
        String message = error(VALID.replace("kind: image-text", "kind: text"));
        assertTrue(message.contains("stages[0].kind"), message);
    }

    @Test
    void badTrainModeNamesField() {
        String message = error(VALID.replace("train: {last_blocks: 2}", "train: most"));
        assertTrue(message.contains("stages[0].train"), message);
    }

    @Test
    void badAugmentValueNamesField() {
        String message = error(VALID.replace("{horizontal_flip: true}", "{color_jitter: 2}"));
        assertTrue(message.contains("stages[1].augment.color_jitter"), message);
    }

    @Test
    void missingOutputNamesField() {
        String message = error(VALID.replace("output: out/model\n", ""));
        assertTrue(message.contains("output"), message);
        assertTrue(message.contains("required"), message);
    }

    @Test
    void modelAndArchitectureTogetherRejected() {
        String message = error(VALID.replace("model: models/clip", "model: models/clip\n  architecture: {}"));
        assertTrue(message.contains("base.model"), message);
    }
}
