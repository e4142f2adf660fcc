package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.gse.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with an independent plain-Python implementation of CLIP's tokenizer, on the miniature CLIP vocabulary
 * built by {@code tools/make_tokenizer_fixtures.py} (the real 49408-entry vocabulary cannot be fetched here).
 */
class ClipTokenizerTest {

    private static final Path DIR = TestData.resource("clip/tokenizer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode fixtures;
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        fixtures = JSON.readTree(DIR.resolve("cases.json").toFile());
        tokenizer = ClipTokenizer.load(DIR.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void specialIdsComeFromTheFile() {
        assertEquals(fixtures.get("bos_id").asLong(), tokenizer.bosId());
        assertEquals(fixtures.get("eos_id").asLong(), tokenizer.eosId());
        // No padding section and no tokenizer_config.json: Hugging Face's CLIPTokenizer default, end of text.
        assertEquals(fixtures.get("pad_id").asLong(), tokenizer.padId());
        assertEquals(fixtures.get("context_length").asInt(), tokenizer.contextLength());
        // As in CLIP, the two special tokens are the last two ids of the vocabulary.
        assertEquals(fixtures.get("vocab_size").asLong() - 1, tokenizer.eosId());
    }

    @TestFactory
    Stream<DynamicTest> idsMatchThePythonImplementation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : fixtures.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> checkCase(c)));
        }
        return tests.stream();
    }

    private static void checkCase(JsonNode c) {
        String name = c.get("name").asText();
        String text = c.get("text").asText();
        ClipTokenizer.Encoded encoded = tokenizer.encode(text);

        assertArrayEquals(longs(c.get("ids")), encoded.ids(), name + ": ids");
        assertEquals(c.get("length").asInt(), encoded.length(), name + ": length");
        assertEquals(c.get("eos_position").asInt(), encoded.eosPosition(), name + ": eos position");
        assertEquals(tokenizer.eosId(), encoded.ids()[encoded.length() - 1], name + ": ends with end of text");
        assertEquals(tokenizer.bosId(), encoded.ids()[0], name + ": starts with start of text");

        // The BPE strings too, which makes a failure readable.
        List<String> expectedTokens = new ArrayList<>();
        expectedTokens.add(ClipTokenizer.BOS_TOKEN);
        c.get("tokens").forEach(t -> expectedTokens.add(t.asText()));
        List<String> actualTokens = tokenizer.tokens(text);
        int keep = encoded.length() - 1;
        List<String> expectedKept = new ArrayList<>(expectedTokens.subList(0, Math.min(keep, expectedTokens.size())));
        expectedKept.add(ClipTokenizer.EOS_TOKEN);
        assertEquals(expectedKept, actualTokens, name + ": tokens");

        // Byte-level round trip (Chinese and emoji are several bytes per character).
        if (!c.get("truncated").asBoolean()) {
            assertEquals(c.get("decoded").asText(), decode(actualTokens.subList(1, actualTokens.size() - 1)),
                    name + ": decoded");
        }
    }

    @Test
    void chineseRoundTrips() {
        for (String text : List.of("我太累了", "哈哈哈", "今天好累啊")) {
            List<String> tokens = tokenizer.tokens(text);
            assertEquals(text + " ", decode(tokens.subList(1, tokens.size() - 1)), text);
        }
    }

    @Test
    void truncationKeepsEndOfTextLast() {
        String longText = "exhausted ".repeat(200);
        ClipTokenizer.Encoded encoded = tokenizer.encode(longText);
        assertEquals(77, encoded.ids().length);
        assertEquals(77, encoded.length());
        assertEquals(76, encoded.eosPosition());
        assertEquals(tokenizer.eosId(), encoded.ids()[76]);
        assertEquals(tokenizer.bosId(), encoded.ids()[0]);
        long[] mask = encoded.attentionMask();
        for (long m : mask) {
            assertEquals(1L, m);
        }
    }

    @Test
    void shortContextLength() throws IOException {
        try (ClipTokenizer short10 = ClipTokenizer.load(DIR, new ClipTokenizer.Options(10, null))) {
            ClipTokenizer.Encoded encoded = short10.encode("the quick brown fox jumps over the lazy dog again and"
                    + " again");
            assertEquals(10, encoded.ids().length);
            assertEquals(9, encoded.eosPosition());
            assertEquals(short10.eosId(), encoded.ids()[9]);
            ClipTokenizer.Encoded tiny = short10.encode("dog");
            assertEquals(3, tiny.length());
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, tiny.attentionMask());
        }
        assertEquals(77, ClipTokenizer.Options.of(ClipTextConfig.VIT_L_14).contextLength());
        assertThrows(IllegalArgumentException.class, () -> new ClipTokenizer.Options(1, null));
    }

    @Test
    void padIdSources(@TempDir Path dir) throws IOException {
        // Option: OpenAI pads with 0.
        try (ClipTokenizer openai = ClipTokenizer.load(DIR, new ClipTokenizer.Options(77, 0L))) {
            ClipTokenizer.Encoded encoded = openai.encode("a photo of a cat");
            assertEquals(0L, encoded.ids()[76]);
            assertEquals(0L, encoded.ids()[encoded.length()]);
            assertEquals(encoded.length() - 1, encoded.eosPosition());
        }

        // tokenizer.json's padding section.
        ObjectNode root = (ObjectNode) JSON.readTree(DIR.resolve("tokenizer.json").toFile());
        ObjectNode padding = root.putObject("padding");
        padding.putObject("strategy").put("Fixed", 77);
        padding.put("direction", "Right").put("pad_to_multiple_of", (String) null).put("pad_id", 5)
                .put("pad_type_id", 0).put("pad_token", "&");
        Path padded = dir.resolve("padded");
        Files.createDirectories(padded);
        JSON.writeValue(padded.resolve("tokenizer.json").toFile(), root);
        try (ClipTokenizer fromJson = ClipTokenizer.load(padded)) {
            assertEquals(5L, fromJson.padId());
            ClipTokenizer.Encoded encoded = fromJson.encode("a photo of a cat");
            assertEquals(5L, encoded.ids()[76]);
            assertEquals(tokenizer.encode("a photo of a cat").length(), encoded.length());
        }

        // tokenizer_config.json's pad_token, as Hugging Face's AutoTokenizer reads it.
        Path configured = dir.resolve("configured");
        Files.createDirectories(configured);
        Files.copy(DIR.resolve("tokenizer.json"), configured.resolve("tokenizer.json"));
        Files.writeString(configured.resolve("tokenizer_config.json"), "{\"pad_token\": \"!\"}");
        try (ClipTokenizer fromConfig = ClipTokenizer.load(configured)) {
            assertEquals(0L, fromConfig.padId());
        }
        Files.writeString(configured.resolve("tokenizer_config.json"),
                "{\"pad_token\": {\"content\": \"<|endoftext|>\", \"special\": true}}");
        try (ClipTokenizer fromConfig = ClipTokenizer.load(configured)) {
            assertEquals(fromConfig.eosId(), fromConfig.padId());
        }
    }

    @Test
    void batchIdsAreRowMajor() {
        List<ClipTokenizer.Encoded> encoded = tokenizer.encodeAll(List.of("I'm exhausted", "哈哈哈"));
        long[] batch = ClipTokenizer.batchIds(encoded);
        assertEquals(2 * 77, batch.length);
        for (int i = 0; i < 77; i++) {
            assertEquals(encoded.get(0).ids()[i], batch[i]);
            assertEquals(encoded.get(1).ids()[i], batch[77 + i]);
        }
    }

    @Test
    void concurrentEncodingGivesTheSameIds() throws Exception {
        List<String> texts = new ArrayList<>();
        fixtures.get("cases").forEach(c -> texts.add(c.get("text").asText()));
        Map<String, long[]> expected = new HashMap<>();
        for (String text : texts) {
            expected.put(text, tokenizer.encode(text).ids());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (String text : texts) {
                            if (!Arrays.equals(expected.get(text), tokenizer.encode(text).ids())) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> future : futures) {
                assertTrue(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsMissingOrNonClipTokenizers(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.load(dir));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());

        // Without a post-processor the texts are not wrapped in start and end of text.
        ObjectNode root = (ObjectNode) JSON.readTree(DIR.resolve("tokenizer.json").toFile());
        root.putNull("post_processor");
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        IllegalArgumentException unwrapped = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.load(dir));
        assertTrue(unwrapped.getMessage().contains("does not wrap"), unwrapped.getMessage());

        // Without the special tokens at all.
        ((ObjectNode) root.get("model").get("vocab")).remove(ClipTokenizer.EOS_TOKEN);
        root.putArray("added_tokens");
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        IllegalArgumentException noEos = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.load(dir));
        assertTrue(noEos.getMessage().contains(ClipTokenizer.EOS_TOKEN), noEos.getMessage());
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }

    /** CLIP's decode: byte-level characters back to bytes, {@code </w>} to a space. */
    private static String decode(List<String> tokens) {
        Map<Integer, Integer> byteOf = byteDecoder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String token : tokens) {
            if (token.equals(ClipTokenizer.BOS_TOKEN) || token.equals(ClipTokenizer.EOS_TOKEN)) {
                bytes.writeBytes((token + " ").getBytes(StandardCharsets.UTF_8));
                continue;
            }
            boolean endOfWord = token.endsWith("</w>");
            String body = endOfWord ? token.substring(0, token.length() - 4) : token;
            body.codePoints().forEach(cp -> bytes.write(byteOf.get(cp)));
            if (endOfWord) {
                bytes.write(' ');
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Builds the inverse of CLIP's bytes_to_unicode table: printable character code to byte. */
    private static Map<Integer, Integer> byteDecoder() {
        Map<Integer, Integer> decoder = new HashMap<>();
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            decoder.put(printable ? b : 256 + extra++, b);
        }
        return decoder;
    }
}
