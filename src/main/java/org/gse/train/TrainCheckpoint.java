package org.gse.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gse.model.Safetensors;
import org.gse.model.Tensor;

/**
 * Everything a run needs to continue exactly where it stopped, in one safetensors file ({@code state.safetensors}
 * in the checkpoint folder), written to a temporary file and renamed by {@link Safetensors#write}:
 * tensors {@code model.KEY} (all weights), {@code adam_m.KEY} and {@code adam_v.KEY} (optimizer moments of the
 * current stage), {@code best.KEY} (the trainable weights of the best validation epoch so far), and the position
 * as JSON in the metadata entry {@code gse_train_state}.
 *
 * <p>No random generator state is stored because none is carried between steps: data order and augmentation are
 * drawn from generators seeded by (seed, stage, epoch, position) alone, so the position is the RNG state.
 *
 * @param configSha256 SHA-256 of the configuration text, so that a resume with a changed configuration is rejected
 * @param stage index of the stage to run next
 * @param epoch epoch to run next within that stage
 * @param microBatch micro-batch to run next within that epoch (non-zero after an interrupt)
 * @param optimizerStep optimizer steps taken in the stage: the position in the learning-rate schedule
 * @param bestAuc the best validation AUC of the stage so far (NaN when none)
 * @param bestEpoch the epoch of {@code bestAuc}, or -1
 * @param badEpochs epochs since the last improvement, for early stopping
 * @param elapsedSeconds training time of all earlier runs of this job
 * @param stages summaries of the finished stages, for the model card
 * @param history per-epoch validation numbers of the current stage
 */
record TrainCheckpoint(String configSha256, int stage, int epoch, int microBatch, long optimizerStep, double bestAuc,
        int bestEpoch, int badEpochs, double elapsedSeconds, ArrayNode stages, ArrayNode history) {

    static final String FILE = "state.safetensors";
    private static final String STATE_KEY = "gse_train_state";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The saved tensors, split by prefix. */
    record Tensors(Map<String, Tensor> model, Map<String, Tensor> optimizer, Map<String, Tensor> best) {}

    void save(Path folder, Tensors tensors) throws IOException {
        Files.createDirectories(folder);
        Map<String, Tensor> all = new LinkedHashMap<>();
        tensors.model().forEach((key, value) -> all.put("model." + key, value));
        all.putAll(tensors.optimizer());
        tensors.best().forEach((key, value) -> all.put("best." + key, value));
        var node = JSON.createObjectNode();
        node.put("config_sha256", configSha256).put("stage", stage).put("epoch", epoch)
                .put("micro_batch", microBatch).put("optimizer_step", optimizerStep)
                .put("best_auc", Double.isNaN(bestAuc) ? null : bestAuc).put("best_epoch", bestEpoch)
                .put("bad_epochs", badEpochs).put("elapsed_seconds", elapsedSeconds);
        node.set("stages", stages);
        node.set("history", history);
        Safetensors.write(folder.resolve(FILE), all, Map.of(STATE_KEY, JSON.writeValueAsString(node)));
    }

    static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /** Loads the state and the tensors from {@code folder}. */
    static Map.Entry<TrainCheckpoint, Tensors> load(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--resume: no checkpoint at " + file + "; start without --resume");
        }
        String text = Safetensors.readHeader(file).metadata().get(STATE_KEY);
        if (text == null) {
            throw new IllegalArgumentException(file + " has no " + STATE_KEY + " metadata; it is not a training"
                    + " checkpoint");
        }
        var node = JSON.readTree(text);
        TrainCheckpoint state = new TrainCheckpoint(node.get("config_sha256").asText(), node.get("stage").asInt(),
                node.get("epoch").asInt(), node.get("micro_batch").asInt(), node.get("optimizer_step").asLong(),
                node.get("best_auc").isNull() ? Double.NaN : node.get("best_auc").asDouble(),
                node.get("best_epoch").asInt(), node.get("bad_epochs").asInt(),
                node.get("elapsed_seconds").asDouble(), (ArrayNode) node.get("stages"), (ArrayNode) node.get("history"));
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        Map<String, Tensor> best = new LinkedHashMap<>();
        Safetensors.read(file).forEach((key, value) -> {
            if (key.startsWith("model.")) {
                model.put(key.substring("model.".length()), value);
            } else if (key.startsWith("best.")) {
                best.put(key.substring("best.".length()), value);
            } else {
                optimizer.put(key, value);
            }
        });
        return Map.entry(state, new Tensors(model, optimizer, best));
    }
}
