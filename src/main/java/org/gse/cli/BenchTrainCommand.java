package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.gse.model.ClipConfig;
import org.gse.train.TrainBenchmark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse bench train}: head-only epoch and full fine-tuning step, next to plain PyTorch. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Time a head-only epoch over cached features and full fine-tuning steps at the"
                + " ViT-B/32 shape, then the same work in plain PyTorch (tools/bench_train.py), in one run.",
                "Prints one JSON object with both results and the machine's load average."})
public final class BenchTrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchTrainCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--pairs", defaultValue = "10000", paramLabel = "N",
            description = "Pairs in the head-only epoch (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N",
            description = "Batch size of both measurements (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--runs", defaultValue = "2", paramLabel = "N",
            description = "Timed full steps after one warm-up step (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "FILE",
            description = "Python with torch for the PyTorch side; 'none' skips it (default: ${DEFAULT-VALUE}).")
    String python;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ObjectNode result = JSON.createObjectNode();
        result.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        result.put("processors", Runtime.getRuntime().availableProcessors());

        log.info("Head-only epoch: {} pairs, batch {}, ViT-B/32 widths (768 -> 512)", pairs, batch);
        TrainBenchmark.HeadEpoch head = TrainBenchmark.headEpoch(pairs, batch, 768, 512, 1);
        result.putObject("java_head_epoch").put("pairs", head.pairs()).put("batch", head.batch())
                .put("steps", head.steps()).put("seconds", round(head.seconds()));

        log.info("Full fine-tuning step: ViT-B/32 shape, batch {}, {} timed runs", batch, runs);
        TrainBenchmark.FullStep full = TrainBenchmark.fullStep(ClipConfig.VIT_B_32, batch, runs, 1);
        result.putObject("java_full_step").put("batch", full.batch()).put("runs", full.runs())
                .put("forward_backward_seconds", round(full.forwardBackwardSeconds()))
                .put("update_seconds", round(full.updateSeconds()))
                .put("total_seconds", round(full.forwardBackwardSeconds() + full.updateSeconds()));

        if (!python.equals("none")) {
            result.set("pytorch", runPython());
        }
        result.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        PrintWriter out = spec.commandLine().getOut();
        out.println(JSON.writeValueAsString(result));
        out.flush();
        return Main.EXIT_OK;
    }

    private com.fasterxml.jackson.databind.JsonNode runPython() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("gse.repo", ".")).resolve("tools/bench_train.py");
        if (!Files.isRegularFile(script)) {
            script = Path.of("tools/bench_train.py");
        }
        if (!Files.isRegularFile(script)) {
            log.warn("tools/bench_train.py not found from {}; skipping the PyTorch side", Path.of("").toAbsolutePath());
            return JSON.createObjectNode().put("skipped", "tools/bench_train.py not found");
        }
        List<String> command = List.of(python, script.toString(), "--pairs", Integer.toString(pairs), "--batch",
                Integer.toString(batch), "--runs", Integer.toString(runs));
        log.info("Running {}", String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            log.error("{} exited with status {}", script, status);
            return JSON.createObjectNode().put("failed", "exit status " + status);
        }
        return JSON.readTree(output);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
