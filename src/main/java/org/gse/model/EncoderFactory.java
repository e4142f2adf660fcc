package org.gse.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the encoder that a command's {@code --model PATH} names. The commands that embed stickers (index, dedupe,
 * eval-retrieval, eval-emotion) receive one through {@code org.gse.cli.CommandServices}; tests install a
 * deterministic one there.
 */
@FunctionalInterface
public interface EncoderFactory {

    /**
     * Opens a model.
     *
     * @param model a model bundle folder, or null for the default model
     * @throws IOException when the model cannot be read
     */
    Encoder open(Path model) throws IOException;

    /**
     * The factory of a build without a model loader: every call fails with a message naming the model.
     */
    EncoderFactory NOT_AVAILABLE = model -> {
        throw new IllegalStateException("cannot open model "
                + (model == null ? "(default)" : model.toString())
                + ": this build has no model loader yet; a build that includes the CLIP encoders opens"
                + " --model folders");
    };
}
