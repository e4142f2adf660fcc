package org.gse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.gse.model.ModelBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse model}: commands about model bundles. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect model bundles.",
        subcommands = {ModelCommand.Info.class})
public final class ModelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see 'gse model --help'");
    }

    /** {@code gse model info PATH}: prints a bundle's model card. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print a model bundle's card: base model, stages with data hashes, seed, threshold,"
                    + " validation metrics, training time and version.")
    static final class Info implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "The model bundle folder.")
        Path bundle;

        @Option(names = "--json", description = "Print gse.json as it is stored.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            // A missing path is a missing input, reported like one in every other command (exit status 3), and
            // not as an existing folder that lacks a model card (exit status 2).
            if (!Files.exists(bundle)) {
                throw new NoSuchFileException(bundle.toString(), null, "no such file or folder; check the path");
            }
            ObjectNode card = ModelBundle.readCard(bundle);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writeValueAsString(card));
                out.flush();
                return Main.EXIT_OK;
            }
            out.println("bundle:        " + bundle);
            out.println("format:        " + card.path("format").asText());
            out.println("base model:    " + card.path("base_model").asText());
            out.println("architecture:  " + card.path("architecture").asText());
            out.println("seed:          " + card.path("seed").asText());
            out.println("threshold:     " + card.path("threshold").asText());
            JsonNode validation = card.path("validation");
            out.println("validation:    AUC " + validation.path("auc").asText() + ", accuracy at threshold "
                    + validation.path("accuracy_at_threshold").asText() + " on " + validation.path("pairs").asText()
                    + " pairs (" + validation.path("threshold_from").asText() + ")");
            out.println("training time: " + card.path("training_seconds").asText() + " s");
            out.println("gse version:   " + card.path("gse_version").asText());
            out.println("created:       " + card.path("created").asText());
            int index = 1;
            for (JsonNode stage : card.path("stages")) {
                out.printf("stage %d:       %s (%s, train %s), %s epochs, best epoch %s, validation AUC %s%n", index++,
                        stage.path("name").asText(), stage.path("kind").asText(), stage.path("train").asText(),
                        stage.path("epochs").asText(), stage.path("best_epoch").asText(),
                        stage.path("validation_auc").asText());
                out.println("               data " + stage.path("data").asText() + " sha256 "
                        + stage.path("data_sha256").asText());
            }

            // Earlier runs this bundle continued from, newest first, as each run's card embeds its base's card
            for (JsonNode earlier = card.path("base_card"); earlier.isObject(); earlier = earlier.path("base_card")) {
                List<String> stageSummaries = new ArrayList<>();
                earlier.path("stages").forEach(stage -> stageSummaries.add(stage.path("name").asText() + " ("
                        + stage.path("epochs").asText() + " epochs, best " + stage.path("best_epoch").asText() + ")"));
                out.println("earlier run:   " + String.join(", ", stageSummaries) + "; " + earlier.path("training_seconds")
                        .asText() + " s; created " + earlier.path("created").asText() + "; base "
                        + earlier.path("base_model").asText());
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
