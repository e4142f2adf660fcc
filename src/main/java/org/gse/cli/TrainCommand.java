package org.gse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.gse.train.TrainConfig;
import org.gse.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse train}: runs the stages of a training config and writes a model bundle. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune (or train from random weights) a CLIP model on stickers, in stages, and write a"
                + " model bundle that every other command loads.",
                "Checkpoints go to OUT.checkpoint after every epoch; Ctrl-C saves one after the current step.",
                "The config format is described in docs/training.md."})
public final class TrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    /** Exit status when the run was interrupted and left a checkpoint. */
    static final int EXIT_INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The training config, YAML or JSON.")
    Path configFile;

    @Option(names = "--resume", description = "Continue from the checkpoint of an earlier run of this config.")
    boolean resume;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "The bundle folder; overrides the config's output.")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        TrainConfig config = TrainConfig.read(configFile);
        if (out != null) {
            config = config.withOutput(out);
        }
        ProgressListener listener = new ProgressListener();
        Trainer trainer = new Trainer(config, listener);

        // Ctrl-C: ask the trainer to checkpoint after the current step, and wait for it before the JVM exits.
        Thread hook = new Thread(() -> {
            log.warn("Interrupted: saving a checkpoint to {} after the current step", trainer.checkpointFolder());
            trainer.requestStop();
            try {
                if (!trainer.awaitFinished(5, TimeUnit.MINUTES)) {
                    log.error("No checkpoint within 5 minutes; the last end-of-epoch checkpoint in {} remains",
                            trainer.checkpointFolder());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gse-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Trainer.Result result;
        try {
            result = trainer.run(resume);
        } finally {
            listener.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting because of Ctrl-C; the hook is running and waits for us.
            }
        }

        PrintWriter output = spec.commandLine().getOut();
        if (result.interrupted()) {
            output.println("Stopped; checkpoint in " + result.checkpoint() + ". Continue with: gse train --config "
                    + configFile + (out != null ? " --out " + out : "") + " --resume");
            output.flush();
            return EXIT_INTERRUPTED;
        }
        var card = result.card();
        output.printf(Locale.ROOT, "Wrote %s: validation AUC %s, threshold %s, %s s%n", result.bundle(),
                card.path("validation").path("auc").asText("n/a"), card.path("threshold").asText("n/a"),
                card.path("training_seconds").asText());
        output.flush();
        return Main.EXIT_OK;
    }

    /** Draws one progress bar per stage with epoch, loss and learning rate. */
    private static final class ProgressListener implements Trainer.Listener {
        private Progress progress;

        @Override
        public synchronized void stageStarted(String label, long totalSteps, long done) {
            close();
            progress = new Progress(label, totalSteps);
            if (done > 0) {
                progress.step(done);
            }
        }

        @Override
        public synchronized void step(String label, int epoch, int epochs, double loss, double learningRate) {
            if (progress != null) {
                progress.status(String.format(Locale.ROOT, "epoch %d/%d loss %.4f lr %.2e", epoch, epochs, loss,
                        learningRate));
                progress.step(1);
            }
        }

        @Override
        public synchronized void stageFinished(String label) {
            close();
        }

        synchronized void close() {
            if (progress != null) {
                progress.close();
                progress = null;
            }
        }
    }
}
