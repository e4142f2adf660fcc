package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.gse.TestData;
import org.gse.engine.Models;
import org.gse.model.Embedding;
import org.gse.model.Npy;
import org.gse.model.TinyClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gse embed} end to end on the tiny model and real sticker files from the raster fixtures. */
class EmbedCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    Run embed(Path out, String... extra) {
        return embedWith(TinyClip.dir(), out, extra);
    }

    Run embedWith(Path model, Path out, String... extra) {
        StringWriter text = new StringWriter();
        Path raster = TestData.resource("fixtures/raster");
        List<String> args = new java.util.ArrayList<>(List.of("embed", "--model", model.toString(),
                "--out", out.toString(), "--cache", dir.resolve("cache").toString(), "--threads", "1",
                "--batch", "4",
                raster.resolve("stripes.gif").toString(), raster.resolve("grey.jpg").toString(),
                raster.resolve("truncated.gif").toString(), raster.resolve("rgba16.png").toString()));
        args.addAll(List.of(extra));
        int exit = Main.newCommandLine(new PrintWriter(text), new PrintWriter(new StringWriter()))
                .execute(args.toArray(String[]::new));
        return new Run(exit, text.toString());
    }

    @Test
    void embedRejectsFileAsOutBeforeWork() throws Exception {
        Path file = Files.writeString(dir.resolve("result.txt"), "an existing file");
        Path cache = dir.resolve("cache");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("embed",
                "--model", TinyClip.dir().toString(), "--out", file.toString(), "--cache", cache.toString(),
                TestData.resource("fixtures/raster").resolve("grey.jpg").toString());

        assertEquals(Main.EXIT_USAGE, exit, err.toString());
        assertTrue(err.toString().contains(file.toString()), err.toString());
        assertTrue(err.toString().contains("new or existing folder"), err.toString());
        assertEquals("an existing file", Files.readString(file), "the file is left as it was");
        assertTrue(Files.notExists(cache), "no model was opened and nothing was embedded");
        assertEquals("", out.toString(), "no embedding summary");
    }

    @Test
    void embedRejectsOutBelowFile() throws Exception {
        Path file = Files.writeString(dir.resolve("result.txt"), "an existing file");
        Path below = file.resolve("embeddings");
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute("embed", "--model", TinyClip.dir().toString(), "--out", below.toString(), "--cache",
                        dir.resolve("cache").toString(),
                        TestData.resource("fixtures/raster").resolve("grey.jpg").toString());

        assertEquals(Main.EXIT_USAGE, exit, err.toString());
        assertTrue(err.toString().contains(below.toString()), err.toString());
        assertTrue(err.toString().contains("its parent " + file), err.toString());
    }

    @Test
    void embedWritesOutputsThenUsesCache() throws Exception {
        Path bad = dir.resolve("not-a-sticker.png");
        Files.writeString(bad, "hello");
        Path out = dir.resolve("out");
        Run first = embed(out, bad.toString());
        assertEquals(Main.EXIT_OK, first.exit(), first.out());

        List<String> lines = Files.readAllLines(out.resolve("stickers.jsonl"));
        assertEquals(5, lines.size(), "one line per input, in input order");
        ObjectMapper json = new ObjectMapper();
        int rows = 0;
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            if (node.get("row").isNull()) {
                assertTrue(node.get("error").isTextual(), line);
            } else {
                assertEquals(rows++, node.get("row").asInt(), line);
                assertTrue(node.get("frames_used").asInt() >= 1, line);
                assertEquals(64, node.get("sha256").asText().length());
            }
        }
        assertTrue(json.readTree(lines.get(4)).get("row").isNull(), "the text file fails");
        assertTrue(first.out().contains("not-a-sticker.png"), first.out());

        Npy.Array embeddings = Npy.read(out.resolve("embeddings.npy"));
        assertEquals(rows, embeddings.shape()[0]);
        assertEquals(16, embeddings.shape()[1]);
        float[] values = embeddings.floats();
        for (int r = 0; r < rows; r++) {
            float[] row = java.util.Arrays.copyOfRange(values, r * 16, (r + 1) * 16);
            assertEquals(1.0, Embedding.normalise(row).cosine(new Embedding(row)), 1e-5, "rows are unit vectors");
        }
        JsonNode model = json.readTree(out.resolve("model.json").toFile());
        assertEquals(16, model.get("embedding_size").asInt());
        assertEquals("even:4", model.get("frame_policy").asText());

        Path again = dir.resolve("again");
        Run second = embed(again);
        assertEquals(Main.EXIT_OK, second.exit(), second.out());
        for (String line : Files.readAllLines(again.resolve("stickers.jsonl"))) {
            JsonNode node = json.readTree(line);
            assertEquals(!node.get("row").isNull(), node.get("cached").asBoolean(), line);
        }
        assertEquals(java.util.Arrays.toString(Npy.read(out.resolve("embeddings.npy")).floats()),
                java.util.Arrays.toString(Npy.read(again.resolve("embeddings.npy")).floats()),
                "cached embeddings equal computed ones");
    }

    @Test
    void indexAddReusesEmbedCache() throws Exception {
        Path cache = dir.resolve("cache");
        Path out = dir.resolve("out");
        assertEquals(Main.EXIT_OK, embed(out).exit());
        long embedded = Files.readAllLines(out.resolve("stickers.jsonl")).stream()
                .filter(line -> !line.contains("\"row\":null")).count();
        Map<Path, Object> entriesBefore = cacheEntries(cache);
        assertEquals(embedded, entriesBefore.size(), "one cache entry per embedded sticker");

        // index add opens the model as every command without engine options does, with the same cache root
        CommandServices.setEncoderFactory(model -> Models.open(model, Models.Options.defaults().withCacheDir(cache)));
        StringWriter text = new StringWriter();
        StringWriter errors = new StringWriter();
        Path raster = TestData.resource("fixtures/raster");
        int exit;
        try {
            exit = Main.newCommandLine(new PrintWriter(text), new PrintWriter(errors)).execute("index", "add",
                    "--index", dir.resolve("index").toString(), "--model", TinyClip.dir().toString(),
                    "--cache", cache.toString(), raster.resolve("stripes.gif").toString(),
                    raster.resolve("grey.jpg").toString(), raster.resolve("truncated.gif").toString(),
                    raster.resolve("rgba16.png").toString());
        } finally {
            CommandServices.reset();
        }

        assertEquals(Main.EXIT_OK, exit, errors.toString());
        assertTrue(text.toString().contains("added " + embedded + " stickers (" + embedded + " from cache)"),
                text.toString());
        assertEquals(entriesBefore, cacheEntries(cache), "index add neither adds nor rewrites cache entries");
    }

    /** Returns each cache entry file with its file key and modification time, which a rewrite changes. */
    private static Map<Path, Object> cacheEntries(Path cache) throws java.io.IOException {
        Map<Path, Object> entries = new TreeMap<>();
        try (Stream<Path> files = Files.walk(cache.resolve("embeddings"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".emb")).toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                entries.put(file, List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime()));
            }
        }
        return entries;
    }

    @Test
    void embedTakesPoliciesFromTheBundle() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(dir.resolve("bundle"), "middle", "black");
        ObjectMapper json = new ObjectMapper();

        Path declared = dir.resolve("declared");
        assertEquals(Main.EXIT_OK, embedWith(bundle, declared, "--precision", "fp32").exit());
        JsonNode model = json.readTree(declared.resolve("model.json").toFile());
        assertEquals("middle", model.get("frame_policy").asText());
        assertEquals("black", model.get("alpha_policy").asText());
        assertTrue(model.get("cache_settings").asText().contains("alpha black"), model.toString());

        Path explicit = dir.resolve("explicit");
        assertEquals(Main.EXIT_OK,
                embedWith(bundle, explicit, "--precision", "fp32", "--frame-policy", "first", "--alpha", "white")
                        .exit());
        JsonNode overridden = json.readTree(explicit.resolve("model.json").toFile());
        assertEquals("first", overridden.get("frame_policy").asText());
        assertEquals("white", overridden.get("alpha_policy").asText());
    }

    @Test
    void djlAndOnnxRuntimeWriteTheSameEmbeddings() throws Exception {
        Path viaOrt = dir.resolve("ort");
        Path viaDjl = dir.resolve("djl");
        assertEquals(Main.EXIT_OK, embed(viaOrt, "--precision", "fp32", "--no-cache").exit());
        assertEquals(Main.EXIT_OK, embed(viaDjl, "--engine", "djl", "--no-cache").exit());
        float[] ort = Npy.read(viaOrt.resolve("embeddings.npy")).floats();
        float[] djl = Npy.read(viaDjl.resolve("embeddings.npy")).floats();
        double diff = TinyClip.maxAbsDiff(ort, djl);
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
        JsonNode model = new ObjectMapper().readTree(viaDjl.resolve("model.json").toFile());
        assertEquals("djl", model.get("engine").asText());
    }
}
