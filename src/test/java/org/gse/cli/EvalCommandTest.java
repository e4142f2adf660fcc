package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gse.data.PairSet;
import org.gse.data.emoji.EmojiCorpusLayout;
import org.gse.decode.StickerDecoder;
import org.gse.model.EncoderFactory;
import org.gse.testing.PixelEncoder;
import org.gse.testing.StickerImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gse eval} and {@code gse similarity} end to end: PNG stickers generated here, decoded by the real
 * decoders, scored by the three baselines and a deterministic test encoder behind the encoder factory seam.
 */
class EvalCommandTest {

    @TempDir
    Path dir;

    /** A Chinese id in a subfolder, with a comma and quotes that CSV files must quote. */
    static final String ODD_ID = "猫/开心, \"笑\".png";

    Path images;
    Path train;
    Path test;
    final List<PixelEncoder> encoders = new ArrayList<>();

    /** Four concepts x six variants; variants 0-3 for training pairs, 4-5 and a Chinese-named sticker for test. */
    @BeforeEach
    void makeStickers() throws IOException {
        images = dir.resolve("images");
        for (int concept = 0; concept < StickerImages.CONCEPTS; concept++) {
            for (int variant = 0; variant < 6; variant++) {
                StickerImages.writePng(StickerImages.draw(concept, variant, 96),
                        images.resolve("c" + concept + "v" + variant + ".png"));
            }
        }
        StickerImages.writePng(StickerImages.draw(0, 6, 96), images.resolve(ODD_ID));
        train = writePairs("train.csv", 0, 4, false);
        test = writePairs("test.csv", 4, 6, true);
    }

    private Path writePairs(String name, int fromVariant, int toVariant, boolean withChinese) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int concept = 0; concept < StickerImages.CONCEPTS; concept++) {
            for (int variant = fromVariant; variant < toVariant; variant++) {
                ids.add("c" + concept + "v" + variant + ".png");
            }
        }
        if (withChinese) {
            ids.add(ODD_ID);
        }
        StringBuilder csv = new StringBuilder("sticker_id,sticker_id_2,label\n");
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                String a = ids.get(i);
                String b = ids.get(j);
                csv.append(quote(a)).append(',').append(quote(b)).append(',').append(concept(a) == concept(b) ? 1 : 0).append('\n');
            }
        }
        return Files.writeString(dir.resolve(name), csv, StandardCharsets.UTF_8);
    }

    private static String quote(String id) {
        return id.contains(",") || id.contains("\"") ? "\"" + id.replace("\"", "\"\"") + "\"" : id;
    }

    private static int concept(String id) {
        return id.startsWith("猫") ? 0 : id.charAt(1) - '0';
    }

    record Run(int exit, String out, String err) {}

    private Run gse(EncoderFactory opener, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == EvalCommand.class) {
                    return type.cast(new EvalCommand(opener, StickerDecoder::withAllFormats));
                }
                if (type == SimilarityCommand.class) {
                    return type.cast(new SimilarityCommand(opener, StickerDecoder::withAllFormats));
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        int exit = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private EncoderFactory pixelModel() {
        return model -> {
            PixelEncoder encoder = new PixelEncoder();
            encoders.add(encoder);
            return encoder;
        };
    }

    @Test
    void evalWritesAllFourReportFiles() throws IOException {
        Path report = dir.resolve("out/report");
        Run run = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs", test.toString(),
                "--images", images.toString(), "--model", dir.resolve("pixel-model").toString(),
                "--baseline", "thumbnail,histogram", "--baseline", "phash", "--bootstrap", "200", "--seed", "3",
                "--report", report.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("| scorer | threshold |"), run.out());
        for (String file : List.of("report.json", "scores.csv", "report.md", "report.html")) {
            assertTrue(Files.isRegularFile(report.resolve(file)), file);
        }
        try (var listing = Files.list(report.getParent())) {
            assertEquals(1, listing.count(), "no temporary folder is left behind");
        }

        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        PairSet testSet = PairSet.read(test);
        JsonNode scorers = json.get("scorers");
        assertEquals(4, scorers.size());
        List<String> names = new ArrayList<>();
        for (JsonNode scorer : scorers) {
            names.add(scorer.get("name").asText());
            assertTrue(scorer.get("threshold").isNumber(), scorer.toString());
            for (String metric : List.of("accuracy", "f1", "precision", "recall", "auc", "ap")) {
                JsonNode m = scorer.get("test").get(metric);
                assertTrue(m.has("value"), metric + " " + scorer);
                assertTrue(m.has("ci_low"), metric + " " + scorer);
                assertTrue(m.has("ci_high"), metric + " " + scorer);
                if (m.get("value").isNull()) {
                    // Undefined on the test pairs, for example precision when nothing is called similar.
                    assertTrue(m.get("ci_low").isNull(), metric + " " + scorer);
                    assertTrue(scorer.get("bootstrap_skipped").get(metric).asInt() > 0, metric + " " + scorer);
                    continue;
                }
                assertTrue(m.get("ci_low").asDouble() <= m.get("value").asDouble() + 1e-12, metric + " " + m);
                assertTrue(m.get("ci_high").asDouble() >= m.get("value").asDouble() - 1e-12, metric + " " + m);
            }
            assertEquals(testSet.size(), scorer.get("n_pairs").asInt());
            assertEquals(0, scorer.get("n_missing").asInt());
        }
        assertEquals(List.of("pixel-model", "thumbnail", "histogram", "phash"), names);
        assertEquals("model", scorers.get(0).get("kind").asText());
        assertEquals("test-pixel-encoder-8x8", scorers.get(0).get("id").asText());
        assertTrue(scorers.get(0).get("test").get("auc").get("value").asDouble() > 0.9, scorers.get(0).toString());

        JsonNode comparisons = json.get("comparisons");
        assertEquals(1, comparisons.size(), "the model against the best baseline");
        JsonNode comparison = comparisons.get(0);
        assertEquals("pixel-model", comparison.get("a").asText());
        assertTrue(names.contains(comparison.get("b").asText()));
        assertTrue(comparison.get("difference").get("auc").get("p_value").isNumber());
        assertTrue(comparison.get("delong").get("p_value").isNumber());

        JsonNode provenance = json.get("provenance");
        assertEquals(PairSet.read(train).sha256(), provenance.get("train_pairs").get("sha256").asText());
        assertEquals(testSet.sha256(), provenance.get("test_pairs").get("sha256").asText());
        assertEquals(3, provenance.get("seed").asLong());
        assertEquals(200, provenance.get("bootstrap_resamples").asInt());
        assertFalse(provenance.get("date").asText().isEmpty());
        assertFalse(provenance.get("code_version").asText().isEmpty());

        List<String> csv = Files.readAllLines(report.resolve("scores.csv"), StandardCharsets.UTF_8);
        assertEquals("sticker_id,sticker_id_2,label,scorer,score", csv.getFirst());
        assertEquals(1 + 4 * testSet.size(), csv.size());
        PairSet scoresAsPairs = PairSet.read(report.resolve("scores.csv"));
        assertEquals(4 * testSet.size(), scoresAsPairs.size(), "scores.csv reads back with the pair reader");
        assertTrue(scoresAsPairs.distinctIds().contains(ODD_ID), "the quoted Chinese id round-trips");
        assertEquals(testSet.distinctIds(), scoresAsPairs.distinctIds());

        String markdown = Files.readString(report.resolve("report.md"));
        assertTrue(markdown.indexOf("| pixel-model |") < markdown.indexOf("| phash |"), "best AUC first");

        String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("<svg"), "inline SVG charts");
        assertTrue(html.contains("<polyline"), "ROC curves");
        assertTrue(html.contains("data:image/png;base64,"), "inline sticker thumbnails");
        assertFalse(html.contains("(no image)"), "every hardest example has its thumbnail");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("src=\"http"), "nothing loaded from elsewhere");
        assertFalse(html.contains("href=\"http"), "no external links or styles");

        assertEquals(1, encoders.size());
        PixelEncoder encoder = encoders.getFirst();
        int distinct = 4 * 6 + 1;
        assertEquals(distinct, encoder.framesEmbedded(), "each distinct sticker embedded once");
        assertTrue(encoder.closed(), "the model is closed after the run");
    }

    @Test
    void evalDefaultsAndExistingReportFolder() throws IOException {
        Path report = Files.createDirectories(dir.resolve("existing"));
        Files.writeString(report.resolve("notes.txt"), "keep me");
        Files.writeString(report.resolve("report.json"), "old");
        Run run = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--bootstrap", "50", "--report", report.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertEquals(4, json.get("scorers").size(), "the bundled default model and the three baselines");
        List<String> names = new ArrayList<>();
        json.get("scorers").forEach(scorer -> names.add(scorer.get("name").asText()));
        assertTrue(names.contains("default"), names.toString());
        assertEquals(1, json.get("comparisons").size(), "the model against the best baseline");
        assertEquals("keep me", Files.readString(report.resolve("notes.txt")));
    }

    @Test
    void bundledModelNamedSameEitherWay() throws IOException {
        Path implicitReport = dir.resolve("implicit");
        Run implicit = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--bootstrap", "20", "--report",
                implicitReport.toString());
        assertEquals(0, implicit.exit(), implicit.err());
        Path explicitReport = dir.resolve("explicit");
        Run explicit = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--bootstrap", "20", "--report",
                explicitReport.toString(), "--model", DefaultModel.location().toString(), "--baseline", "phash");
        assertEquals(0, explicit.exit(), explicit.err());

        ObjectMapper mapper = new ObjectMapper();
        String implicitName = mapper.readTree(implicitReport.resolve("report.json").toFile())
                .get("scorers").get(0).get("name").asText();
        String explicitName = mapper.readTree(explicitReport.resolve("report.json").toFile())
                .get("scorers").get(0).get("name").asText();
        assertEquals("default", implicitName);
        assertEquals(implicitName, explicitName);
    }

    @Test
    void modelFolderNamedLikeBaselineRenamed() throws IOException {
        Path report = dir.resolve("clash");
        Run run = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs", test.toString(),
                "--images", images.toString(), "--bootstrap", "20", "--report", report.toString(), "--model",
                dir.resolve("phash").toString(), "--baseline", "phash");
        assertEquals(0, run.exit(), run.err());

        JsonNode scorers = new ObjectMapper().readTree(report.resolve("report.json").toFile()).get("scorers");
        assertEquals("phash#2", scorers.get(0).get("name").asText());
        assertEquals("phash", scorers.get(1).get("name").asText());
    }

    @Test
    void similarityRejectsThresholdOutsideScoreRange() {
        String a = images.resolve("c3v0.png").toString();
        String b = images.resolve("c3v1.png").toString();
        List<List<String>> cases = List.of(
                List.of("--model", "m", "--threshold", "1.5"),
                List.of("--model", "m", "--threshold", "-1.01"),
                List.of("--model", "m", "--threshold", "NaN"),
                List.of("--model", "m", "--threshold", "Infinity"),
                List.of("--baseline", "phash", "--threshold", "-0.5"),
                List.of("--baseline", "thumbnail", "--threshold", "1.2"));
        for (List<String> options : cases) {
            List<String> args = new ArrayList<>(List.of("similarity", a, b));
            args.addAll(options);
            Run run = gse(pixelModel(), args.toArray(String[]::new));
            assertEquals(Main.EXIT_USAGE, run.exit(), options + ": " + run.err());
            String value = options.get(3);
            assertTrue(run.err().contains("--threshold " + Double.valueOf(value)), options + ": " + run.err());
            String range = options.get(0).equals("--model") ? "[-1, 1]" : "[0, 1]";
            assertTrue(run.err().contains(range), options + ": " + run.err());
        }

        Run lowestCosine = gse(pixelModel(), "similarity", a, b, "--model", "m", "--threshold", "-1");
        assertEquals(0, lowestCosine.exit(), lowestCosine.err());
        Run baselineEdge = gse(pixelModel(), "similarity", a, b, "--baseline", "histogram", "--threshold", "1");
        assertEquals(0, baselineEdge.exit(), baselineEdge.err());
    }

    @Test
    void missingImagesStopTheRunUnlessAllowed() throws IOException {
        Files.delete(images.resolve("c1v5.png"));
        Run failed = gse(EncoderFactory.NOT_AVAILABLE, "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--baseline", "phash", "--bootstrap", "20");
        assertEquals(Main.EXIT_FAILED_INPUTS, failed.exit());
        assertTrue(failed.err().contains("c1v5.png"), failed.err());
        assertTrue(failed.err().contains("--allow-missing"), failed.err());

        Path report = dir.resolve("missing-report");
        Run allowed = gse(EncoderFactory.NOT_AVAILABLE, "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--baseline", "phash", "--bootstrap", "20",
                "--allow-missing", "--report", report.toString());
        assertEquals(0, allowed.exit(), allowed.err());
        assertTrue(allowed.out().contains("dropped 0 training and 8 test pairs"), allowed.out());
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        JsonNode scorer = json.get("scorers").get(0);
        assertEquals(8, scorer.get("n_missing").asInt(), "c1v5 is in 8 of the 36 test pairs");
        assertEquals(PairSet.read(test).size() - 8, scorer.get("n_pairs").asInt());
        assertEquals("c1v5.png", json.get("data").get("missing_images").get(0).asText());
    }

    @Test
    void undecodableImagesCountAsMissing() throws IOException {
        Files.writeString(images.resolve("c2v4.png"), "not a png");
        Run failed = gse(EncoderFactory.NOT_AVAILABLE, "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--baseline", "histogram", "--bootstrap", "20");
        assertEquals(Main.EXIT_FAILED_INPUTS, failed.exit());
        assertTrue(failed.err().contains("cannot be decoded: c2v4.png"), failed.err());
    }

    @Test
    void evalAddsAllBaselinesToAModel() throws IOException {
        Path report = dir.resolve("model-report");
        Run run = gse(pixelModel(), "eval", "--train-pairs", train.toString(), "--test-pairs", test.toString(),
                "--images", images.toString(), "--model", "pixel-model", "--bootstrap", "20", "--report",
                report.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertEquals(4, json.get("scorers").size(), "the model and the three baselines");
        assertEquals(1, json.get("comparisons").size());
    }

    @Test
    void modelWithoutEngineFailsWithAClearMessage() {
        Run run = gse(EncoderFactory.NOT_AVAILABLE, "eval", "--train-pairs", train.toString(), "--test-pairs",
                test.toString(), "--images", images.toString(), "--model", "some/model");
        assertEquals(Main.EXIT_ERROR, run.exit());
        assertTrue(run.err().contains("no model loader"), run.err());
        assertTrue(run.err().contains("some/model"), run.err());
        assertTrue(run.err().contains("--baseline"), run.err());
    }

    @Test
    void evalRunsOnRealWhatsappStickers() throws IOException {
        Path stickers = org.gse.TestData.shared("real-stickers/whatsapp");
        Path pairs = org.gse.TestData.resource("whatsapp-pairs");
        Path report = dir.resolve("whatsapp");
        Run run = gse(EncoderFactory.NOT_AVAILABLE, "eval", "--train-pairs", pairs.resolve("train.csv").toString(),
                "--test-pairs", pairs.resolve("test.csv").toString(), "--images", stickers.toString(),
                "--baseline", "thumbnail,histogram,phash", "--bootstrap", "100", "--report", report.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertEquals(0, json.get("data").get("undecodable_images").size(), "every WebP sticker decodes");
        assertEquals(PairSet.read(pairs.resolve("test.csv")).size(), json.get("data").get("test_pairs_used").asInt());
        for (JsonNode scorer : json.get("scorers")) {
            double auc = scorer.get("test").get("auc").get("value").asDouble();
            assertTrue(auc >= 0, scorer.toString());
            assertTrue(auc <= 1, scorer.toString());
        }
    }

    @Test
    void evalWithoutDataBuildsMissingCorpus() throws IOException {
        EmojiCorpusLayout corpus = new EmojiCorpusLayout(dir.resolve("corpus"));
        List<Path> builds = new ArrayList<>();
        EvalCommand.CorpusBuilder builder = out -> {
            builds.add(out);
            Files.createDirectories(out.resolve("pairs"));
            Files.copy(train, out.resolve("pairs/train.csv"));
            Files.copy(test, out.resolve("pairs/test.csv"));
            copyFolder(images, out.resolve("images"));
            return Main.EXIT_OK;
        };
        Run first = gseWithCorpus(corpus, builder, "eval", "--baseline", "phash", "--bootstrap", "20");
        assertEquals(0, first.exit(), first.err());
        assertEquals(List.of(corpus.root()), builds, "the missing corpus is built once, into its default folder");
        assertTrue(first.out().contains("phash"), first.out());

        Run second = gseWithCorpus(corpus, builder, "eval", "--baseline", "phash", "--bootstrap", "20");
        assertEquals(0, second.exit(), second.err());
        assertEquals(1, builds.size(), "an existing corpus is not rebuilt");

        Run partial = gseWithCorpus(corpus, builder, "eval", "--train-pairs", train.toString());
        assertEquals(Main.EXIT_USAGE, partial.exit());
        assertTrue(partial.err().contains("give all of --train-pairs, --test-pairs and --images"), partial.err());
    }

    @Test
    void evalReportsFailedCorpusBuild() {
        EmojiCorpusLayout corpus = new EmojiCorpusLayout(dir.resolve("corpus"));
        Run run = gseWithCorpus(corpus, out -> Main.EXIT_ERROR, "eval", "--baseline", "phash");
        assertEquals(Main.EXIT_ERROR, run.exit());
        assertTrue(run.err().contains("./gse datasets build emoji"), run.err());
    }

    private Run gseWithCorpus(EmojiCorpusLayout corpus, EvalCommand.CorpusBuilder builder, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == EvalCommand.class) {
                    return type.cast(new EvalCommand(EncoderFactory.NOT_AVAILABLE, StickerDecoder::withAllFormats,
                            corpus, builder));
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        int exit = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    @Test
    void similarityPrintsScoreThresholdAndDecision() throws IOException {
        String a = images.resolve("c3v0.png").toString();
        String b = images.resolve("c3v1.png").toString();
        Run run = gse(EncoderFactory.NOT_AVAILABLE, "similarity", a, b, "--baseline", "phash", "--threshold", "0.5",
                "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        double score = json.get("score").asDouble();
        assertTrue(score > 0, run.out());
        assertTrue(score <= 1, run.out());
        assertEquals(0.5, json.get("threshold").asDouble());
        assertEquals(score >= 0.5, json.get("similar").asBoolean());

        Run text = gse(pixelModel(), "similarity", a, images.resolve("c0v0.png").toString(), "--model", "m",
                "--threshold", "0.99");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("threshold 0.990000  not similar"), text.out());

        Run bundled = gse(pixelModel(), "similarity", a, b, "--json");
        assertEquals(0, bundled.exit(), bundled.err());
        JsonNode card = new ObjectMapper().readTree(bundled.out());
        assertEquals("default", card.get("scorer").asText());
        assertEquals("model card", card.get("threshold_source").asText());
        assertEquals(DefaultModel.cardThreshold(DefaultModel.require()).getAsDouble(),
                card.get("threshold").asDouble(), 1e-12);

        Run both = gse(pixelModel(), "similarity", a, b, "--model", "m", "--baseline", "phash");
        assertEquals(Main.EXIT_USAGE, both.exit());
        assertTrue(both.err().contains("--model PATH or --baseline NAME"), both.err());

        Run unwired = gse(EncoderFactory.NOT_AVAILABLE, "similarity", a, b, "--model", "m");
        assertTrue(unwired.err().contains("no model loader"), unwired.err());
    }
}
