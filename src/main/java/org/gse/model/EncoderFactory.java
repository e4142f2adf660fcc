package org.gse.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Opens the encoder that a command's {@code --model PATH} names. This is the one seam through which commands reach
 * the CLIP engine: the engine registers an implementation in {@code META-INF/services/org.gse.model.EncoderFactory},
 * which {@link #installed()} finds, so that the {@code cli} and {@code eval} packages need not import the engine.
 * Commands receive the factory from {@code org.gse.cli.CommandServices} or through their constructor, and tests
 * install a deterministic one there.
 */
@FunctionalInterface
public interface EncoderFactory {

    /**
     * Opens a model; the caller closes the encoder.
     *
     * @param model a model folder or file. The factory of {@code CommandServices} also takes null for the bundled
     *     default model, and the engine's factory rejects null.
     * @throws IOException when the model cannot be read
     */
    Encoder open(Path model) throws IOException;

    /**
     * The factory of a build without a model loader: every call fails with a message naming the model.
     */
    EncoderFactory NOT_AVAILABLE = model -> {
        throw new IllegalStateException("cannot open model "
                + (model == null ? "(default)" : model.toString())
                + ": this build has no model loader (no " + EncoderFactory.class.getName() + " service is"
                + " registered); use a build that includes the CLIP engine, or a --baseline where the command"
                + " offers one");
    };

    /** Returns the first factory registered as a {@link ServiceLoader} service, or {@link #NOT_AVAILABLE}. */
    static EncoderFactory installed() {
        return ServiceLoader.load(EncoderFactory.class).findFirst().orElse(NOT_AVAILABLE);
    }
}
