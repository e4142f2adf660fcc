package org.gse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.gse.data.ImageLocator;
import org.gse.data.PairSet;
import org.gse.data.emoji.EmojiCorpusLayout;
import org.gse.decode.DecodeException;
import org.gse.decode.DecodeLimits;
import org.gse.decode.StickerDecoder;
import org.gse.eval.Baselines;
import org.gse.eval.Bootstrap;
import org.gse.eval.Evaluation;
import org.gse.eval.Evaluator;
import org.gse.eval.MissingImagesException;
import org.gse.eval.ModelScorer;
import org.gse.eval.ReportWriter;
import org.gse.eval.Scorer;
import org.gse.eval.Thumbnails;
import org.gse.model.EncoderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse eval}: measures scorers on a train/test split of labelled sticker pairs (Triple-S format). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate sticker similarity scorers on labelled pairs (Triple-S format:"
                + " sticker_id,sticker_id_2,label).",
                "Each scorer's threshold is chosen on the training pairs (maximum accuracy) and applied to the test"
                        + " pairs; test metrics get percentile-bootstrap 95%% intervals.",
                "Prints the results table; with --report writes report.json, scores.csv, report.md and report.html.",
                "With no --train-pairs, --test-pairs and --images, runs on the open emoji corpus in"
                        + " ~/.cache/gse/data/emoji (pairs/train.csv and pairs/test.csv), building it first if it is"
                        + " missing. With no --model and no --baseline, evaluates the bundled default model and all"
                        + " three baselines."})
public final class EvalCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(EvalCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--train-pairs", paramLabel = "CSV",
            description = "Training pairs: the thresholds are chosen on these (default: the emoji corpus's"
                    + " pairs/train.csv).")
    Path trainPairs;

    @Option(names = "--test-pairs", paramLabel = "CSV",
            description = "Test pairs: the reported metrics (default: the emoji corpus's pairs/test.csv).")
    Path testPairs;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Folder of sticker images: each id is looked up as DIR/ID, then DIR/ID.jpg (default: the"
                    + " emoji corpus's images/).")
    Path images;

    @Option(names = "--model", paramLabel = "PATH", description = "A model to evaluate (repeatable; default: the"
            + " bundled model in models/default, unless --baseline is given).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "NAME", split = ",",
            description = "A weight-free baseline: thumbnail, histogram or phash (repeatable or comma-separated;"
                    + " default: all three).")
    List<String> baselines = new ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR", description = "Write the report files into DIR.")
    Path reportDir;

    @Option(names = "--allow-missing",
            description = "Drop pairs whose images are missing or undecodable instead of stopping; the report counts them.")
    boolean allowMissing;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples for the intervals (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the bootstrap resampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hardest", paramLabel = "K", defaultValue = "5",
            description = "Hardest false positives and negatives shown per scorer in report.html (default: ${DEFAULT-VALUE}).")
    int hardest;

    @Mixin
    DecodeLimitOptions limitOptions;

    private final EncoderFactory opener;
    private final Function<DecodeLimits, StickerDecoder> decoders;
    private final EmojiCorpusLayout corpus;
    private final CorpusBuilder corpusBuilder;

    /** Builds the emoji corpus into a folder and returns the exit code of {@code gse datasets build emoji}. */
    @FunctionalInterface
    public interface CorpusBuilder {
        int build(Path out) throws IOException;
    }

    /**
     * Creates the command as the {@code gse} launcher runs it, with the encoder factory of {@link CommandServices}
     * and every decoder.
     */
    public EvalCommand() {
        this(CommandServices.encoderFactory(), StickerDecoder::withAllFormats);
    }

    /** Creates the command with a given encoder factory and decoder factory, for tests and embedding. */
    public EvalCommand(EncoderFactory opener, Function<DecodeLimits, StickerDecoder> decoders) {
        this(opener, decoders, EmojiCorpusLayout.defaultLocation(), EvalCommand::buildCorpus);
    }

    /** Creates the command with a given corpus location and builder for the no-argument run, for tests. */
    public EvalCommand(EncoderFactory opener, Function<DecodeLimits, StickerDecoder> decoders,
            EmojiCorpusLayout corpus, CorpusBuilder corpusBuilder) {
        this.opener = opener;
        this.decoders = decoders;
        this.corpus = corpus;
        this.corpusBuilder = corpusBuilder;
    }

    private static int buildCorpus(Path out) {
        return new picocli.CommandLine(new EmojiDatasetCommand()).execute("--out", out.toString());
    }

    @Override
    public Integer call() throws IOException {
        if (resamples < 1) {
            throw new IllegalArgumentException("--bootstrap must be at least 1, got " + resamples);
        }
        if (hardest < 0) {
            throw new IllegalArgumentException("--hardest must not be negative, got " + hardest);
        }
        resolveCorpusDefaults();
        PairSet train = PairSet.read(trainPairs);
        PairSet test = PairSet.read(testPairs);
        log.info("Read {} training pairs ({} similar) and {} test pairs ({} similar)", train.size(),
                train.positives(), test.size(), test.positives());
        StickerDecoder decoder = decoders.apply(limitOptions.toLimits());
        ImageLocator locator = new ImageLocator(images);
        if (!java.nio.file.Files.isDirectory(locator.folder())) {
            throw new IllegalArgumentException("--images " + images + " is not a folder");
        }

        List<Scorer<?>> scorers = new ArrayList<>();
        try {
            List<String> baselineNames = baselines.isEmpty() ? Baselines.NAMES : baselines;
            List<Path> modelPaths = new ArrayList<>(models);
            if (models.isEmpty() && baselines.isEmpty()) {
                Path bundled = DefaultModel.require();
                log.info("No --model given: evaluating the bundled default model {}", bundled);
                modelPaths.add(bundled);
            }

            // A model is named after its folder, whether it is the bundled model or given with --model, so one
            // folder gets one name in every report. A model folder named like a baseline gets a #N suffix.
            Set<String> names = new LinkedHashSet<>();
            Set<String> reserved = new HashSet<>();
            for (String baseline : baselineNames) {
                reserved.add(baseline.trim().toLowerCase(Locale.ROOT));
            }
            for (Path model : modelPaths) {
                String name = uniqueName(names, reserved, DefaultModel.scorerName(model));
                scorers.add(ModelScorer.of(name, opener.open(model)));
            }
            for (String baseline : baselineNames) {
                Scorer<?> scorer = Baselines.create(baseline);
                if (!names.add(scorer.name())) {
                    throw new IllegalArgumentException("baseline " + scorer.name() + " is given twice");
                }
                scorers.add(scorer);
            }

            Evaluator evaluator = new Evaluator(decoder, locator,
                    new Evaluator.Options(allowMissing, new Bootstrap(resamples, seed, 0.95), hardest));
            Evaluation evaluation;
            Set<String> stickers = new LinkedHashSet<>(train.distinctIds());
            stickers.addAll(test.distinctIds());
            try (Progress progress = new Progress("eval", stickers.size())) {
                evaluation = evaluator.run(train, test, scorers, progress::step);
            } catch (MissingImagesException e) {
                log.debug("Missing images", e);
                spec.commandLine().getErr().println("gse: error: " + e.getMessage());
                return Main.EXIT_FAILED_INPUTS;
            }

            PrintWriter out = spec.commandLine().getOut();
            out.print(ReportWriter.markdownTable(evaluation));
            Evaluation.DataSummary data = evaluation.data();
            if (data.trainPairsDropped() + data.testPairsDropped() > 0) {
                out.printf("dropped %d training and %d test pairs: %d images missing, %d undecodable%n",
                        data.trainPairsDropped(), data.testPairsDropped(), data.missingImages().size(),
                        data.undecodable().size());
            }
            if (reportDir != null) {
                ReportWriter.write(evaluation, reportDir, id -> thumbnail(decoder, locator, id));
                out.println("report written to " + reportDir);
            }
            out.flush();
            return Main.EXIT_OK;
        } finally {
            for (Scorer<?> scorer : scorers) {
                scorer.close();
            }
        }
    }

    /**
     * Fills in the open emoji corpus when none of {@code --train-pairs}, {@code --test-pairs} and {@code --images}
     * is given, and builds the corpus first when it is missing.
     */
    private void resolveCorpusDefaults() throws IOException {
        int givenOptions = (trainPairs == null ? 0 : 1) + (testPairs == null ? 0 : 1) + (images == null ? 0 : 1);
        if (givenOptions == 3) {
            return;
        }
        if (givenOptions > 0) {
            throw new IllegalArgumentException("give all of --train-pairs, --test-pairs and --images, or none of them"
                    + " to use the emoji corpus in " + corpus.root());
        }
        if (!Files.isRegularFile(corpus.pairs("test")) || !Files.isDirectory(corpus.images())) {
            log.info("The emoji corpus is missing at {}; building it with gse datasets build emoji (downloads"
                    + " about 160 MB from the npm registry)", corpus.root());
            int code = corpusBuilder.build(corpus.root());
            if (code != Main.EXIT_OK || !Files.isRegularFile(corpus.pairs("test"))) {
                throw new IllegalStateException("building the emoji corpus in " + corpus.root() + " failed (exit code "
                        + code + "); run ./gse datasets build emoji and read its error");
            }
        }
        trainPairs = corpus.pairs("train");
        testPairs = corpus.pairs("test");
        images = corpus.images();
        log.info("Evaluating on the emoji corpus: {} (thresholds) and {} (test), images in {}", trainPairs,
                testPairs, images);
    }

    /** Adds and returns {@code name}, or {@code name#2}, {@code name#3}... when it is taken or reserved. */
    private static String uniqueName(Set<String> names, Set<String> reserved, String name) {
        String candidate = name;
        for (int i = 2; reserved.contains(candidate) || !names.add(candidate); i++) {
            candidate = name + "#" + i;
        }
        return candidate;
    }

    private static byte[] thumbnail(StickerDecoder decoder, ImageLocator locator, String id) {
        return locator.find(id).map(file -> {
            try {
                return Thumbnails.png(decoder.decode(file), 96);
            } catch (DecodeException e) {
                return null;
            }
        }).orElse(null);
    }
}
