package org.gse.cli;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.decode.DecodeException;
import org.gse.decode.DecodeLimits;
import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.decode.StickerPreview;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse inspect}: decodes stickers and reports format, size, frames, duration and alpha for each file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Decode stickers and report their format, size, frame count, duration and alpha.",
                "The format is detected from each file's bytes, never from its extension. Folders are walked.",
                "Broken files are reported and the walk goes on."})
public final class InspectCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(InspectCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE_OR_DIR", description = "Sticker files or folders to walk.")
    List<Path> inputs;

    @Option(names = "--json", description = "Print a JSON array, one object per file, instead of a table.")
    boolean json;

    @Option(names = "--frames", paramLabel = "DIR",
            description = "Write the sampled frames of each sticker as PNG, plus a contact sheet, into DIR.")
    Path framesDir;

    @Option(names = "--frame-policy", paramLabel = "POLICY", defaultValue = "even:4",
            description = "Frames written by --frames: first, middle or even:K (default: ${DEFAULT-VALUE}).")
    String framePolicy;

    @Option(names = "--strict", description = "Exit with status 1 when any file fails to decode.")
    boolean strict;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Override
    public Integer call() throws IOException {
        FramePolicy policy = FramePolicy.parse(framePolicy);
        DecodeLimits limits = limitOptions.toLimits();
        StickerDecoder decoder = StickerDecoder.withAllFormats(limits);
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            // A missing input becomes one failed row, so the other inputs are still inspected.
            files.addAll(Files.exists(input) ? InputWalker.listFiles(List.of(input)) : List.of(input));
        }
        java.util.Map<String, Integer> previewNames = new java.util.HashMap<>();
        if (framesDir != null) {
            Files.createDirectories(framesDir);
        }

        List<InspectResult> results = new ArrayList<>(files.size());
        int failures = 0;
        try (Progress progress = new Progress("inspect", files.size())) {
            for (Path file : files) {
                InspectResult result;
                try {
                    Sticker sticker = decoder.decode(file);
                    result = InspectResult.of(sticker);
                    if (framesDir != null) {
                        String name = file.getFileName().toString();
                        int seen = previewNames.merge(name, 1, Integer::sum);
                        StickerPreview.write(sticker, policy, framesDir, seen == 1 ? name : name + "-" + seen);
                    }
                } catch (DecodeException e) {
                    log.warn("Cannot decode {}: {}", file, e.reason());
                    result = InspectResult.failed(file, e);
                    failures++;
                }
                results.add(result);
                progress.step(1);
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writer(new DefaultPrettyPrinter()).writeValueAsString(results));
        } else {
            printTable(out, results);
        }
        out.flush();
        log.info("Inspected {} files: {} decoded, {} failed", files.size(), files.size() - failures, failures);

        boolean nothingRead = failures == files.size();
        return (strict && failures > 0) || nothingRead ? Main.EXIT_FAILED_INPUTS : Main.EXIT_OK;
    }

    private static void printTable(PrintWriter out, List<InspectResult> results) {
        out.printf(Locale.ROOT, "%-6s %9s %6s %9s %5s  %s%n", "format", "size", "frames", "duration", "alpha", "file");
        for (InspectResult r : results) {
            if (r.error() != null) {
                out.printf(Locale.ROOT, "%-6s %9s %6s %9s %5s  %s  ERROR: %s%n",
                        r.format() == null ? "?" : r.format(), "-", "-", "-", "-", r.file(), r.error());
            } else {
                out.printf(Locale.ROOT, "%-6s %9s %6d %7dms %5s  %s%n", r.format(), r.width() + "x" + r.height(),
                        r.frames(), r.durationMs(), r.hasAlpha() ? "yes" : "no", r.file());
            }
        }
    }
}
