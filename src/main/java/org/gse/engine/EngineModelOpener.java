package org.gse.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.gse.eval.ModelOpener;
import org.gse.model.Encoder;

/**
 * Opens {@code --model} paths for {@code gse eval}, {@code gse similarity}, the index commands and {@code gse serve}
 * through {@link Models#open(Path, Models.Options)} with the default options: ONNX Runtime, the default frame and
 * alpha policies. Registered as a {@link java.util.ServiceLoader} service.
 */
public final class EngineModelOpener implements ModelOpener {

    @Override
    public Encoder open(Path model) throws IOException {
        return Models.open(model, Models.Options.defaults());
    }
}
