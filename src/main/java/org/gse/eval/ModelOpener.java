package org.gse.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.gse.model.Encoder;

/**
 * Opens a model folder or file given to {@code --model} as an {@link Encoder}. This is the seam through which
 * {@code gse eval} and {@code gse similarity} reach the CLIP engine: the engine provides an implementation and
 * registers it either in {@code META-INF/services/org.gse.eval.ModelOpener} (picked up by {@link #installed()})
 * or by replacing {@link #UNAVAILABLE} as the fallback there. Until then {@code --model} fails with a clear
 * message and the baselines still work.
 */
@FunctionalInterface
public interface ModelOpener {

    /** Opens the model; the caller closes the encoder. */
    Encoder open(Path model) throws IOException;

    /** The opener of a build without the engine, which fails with a message naming the missing engine. */
    ModelOpener UNAVAILABLE = model -> {
        throw new IllegalStateException("model loading not available yet: this build cannot open " + model
                + " (the CLIP engine is not wired to --model); use --baseline "
                + String.join("|", Baselines.NAMES) + " meanwhile");
    };

    /** Returns the first opener registered as a service, or {@link #UNAVAILABLE}. */
    static ModelOpener installed() {
        return ServiceLoader.load(ModelOpener.class).findFirst().orElse(UNAVAILABLE);
    }
}
