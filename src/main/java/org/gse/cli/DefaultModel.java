package org.gse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.OptionalDouble;
import org.gse.model.ModelBundle;

/**
 * The model bundle committed at {@code models/default} in the repository, which commands use when no
 * {@code --model} is given. The repository root is the {@code gse.home} system property, which the {@code ./gse}
 * launcher sets, or else the folder two levels above the jar or class folder this class was loaded from
 * ({@code target/gse.jar} or {@code target/classes}).
 */
public final class DefaultModel {

    /** The folder of the bundled model, relative to the repository root. */
    public static final String RELATIVE_PATH = "models/default";


    private DefaultModel() {}

    /**
     * Returns the scorer name of the model at {@code model} in {@code gse eval} and {@code gse similarity} output.
     * The name is the last path element (folder or file name), or the whole path for a root folder, so the bundled
     * model is named {@code default} whether it is the implicit default or given with {@code --model}.
     */
    public static String scorerName(Path model) {
        Path name = model.toAbsolutePath().normalize().getFileName();
        return name == null ? model.toString() : name.toString();
    }

    /** Returns where the bundled model should be, whether or not it exists. */
    public static Path location() {
        String home = System.getProperty("gse.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).resolve(RELATIVE_PATH);
        }
        return codeRoot().resolve(RELATIVE_PATH);
    }

    /** Returns the bundled model folder, or fails naming the path that was tried and what to do instead. */
    public static Path require() {
        Path folder = location();
        if (!ModelBundle.isBundle(folder)) {
            throw new IllegalArgumentException("bundled default model not found at " + folder
                    + " (no " + ModelBundle.CARD + "); run gse from a repository checkout through ./gse, set"
                    + " -Dgse.home=REPOSITORY_ROOT, or pass --model PATH");
        }
        return folder;
    }

    /**
     * Returns the {@code threshold} recorded in a bundle's model card, or empty when {@code model} is not a bundle
     * or its card has no threshold.
     */
    public static OptionalDouble cardThreshold(Path model) throws IOException {
        if (model == null || !ModelBundle.isBundle(model)) {
            return OptionalDouble.empty();
        }
        JsonNode threshold = ModelBundle.readCard(model).get("threshold");
        if (threshold == null || !threshold.isNumber() || !Double.isFinite(threshold.asDouble())) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(threshold.asDouble());
    }

    private static Path codeRoot() {
        CodeSource source = DefaultModel.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Path.of("").toAbsolutePath();
        }
        try {
            // target/gse.jar and target/classes both sit two levels below the repository root.
            Path target = Path.of(source.getLocation().toURI()).getParent();
            Path root = target == null ? null : target.getParent();
            return root != null ? root : Path.of("").toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
