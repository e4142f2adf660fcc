package org.gse.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.gse.model.Encoder;
import org.gse.model.EncoderFactory;

/**
 * Opens {@code --model} paths for the commands that take no engine options ({@code gse eval}, {@code gse similarity},
 * the index commands, {@code gse dedupe}, {@code gse serve}) through {@link Models#open(Path, Models.Options)} with
 * the default options: ONNX Runtime, and the frame and alpha policies that the model's {@code config.json} declares.
 * Registered as a {@link java.util.ServiceLoader} service, so that {@code cli} and {@code eval} need not import
 * this package.
 */
public final class EngineEncoderFactory implements EncoderFactory {

    @Override
    public Encoder open(Path model) throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("no model path given; the caller resolves the default model");
        }
        return Models.open(model, Models.Options.defaults());
    }
}
