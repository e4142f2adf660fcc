package org.gse.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLIP's text tokenizer: a {@code tokenizer.json} (Hugging Face tokenizers format) run by DJL's binding of the
 * Rust {@code tokenizers} library, the same code as Hugging Face's {@code CLIPTokenizerFast}, then padded to the
 * context length.
 *
 * <p>What the file encodes for CLIP: normaliser NFC, runs of whitespace to one space, lower case (no ftfy and no
 * HTML unescaping, unlike OpenAI's {@code SimpleTokenizer}); pre-tokeniser CLIP's split pattern then the
 * byte-level alphabet; byte-level BPE with {@code </w>} on the last symbol of each word; post-processor
 * {@code <|startoftext|> ... <|endoftext|>}. Texts longer than the context length are cut to
 * {@code <|startoftext|>}, the first {@code contextLength - 2} tokens and {@code <|endoftext|>}.
 *
 * <p>The padding id is, in order: the {@code padId} option; {@code padding.pad_id} of {@code tokenizer.json};
 * the {@code pad_token} of a {@code tokenizer_config.json} or {@code special_tokens_map.json} beside it; else
 * the end-of-text id, which is Hugging Face's {@code CLIPTokenizer} default. OpenAI's CLIP pads with 0; pass
 * {@code padId = 0} for that. Under CLIP's causal mask the padding never changes the pooled embedding.
 *
 * <p>DJL loads the native library from its jar ({@code native/lib/linux-x86_64/cpu/libtokenizers.so} and the
 * other bundled platforms) into {@code ~/.djl.ai/tokenizers}; nothing is downloaded. Its telemetry check is
 * disabled here (system property {@code OPT_OUT_TRACKING=true}) unless the user set it.
 *
 * <p>Safe to share between threads; close it to free the native tokenizer.
 */
public final class ClipTokenizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClipTokenizer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** CLIP's start-of-text token. */
    public static final String BOS_TOKEN = "<|startoftext|>";

    /** CLIP's end-of-text token; the text embedding is pooled at its (first) position. */
    public static final String EOS_TOKEN = "<|endoftext|>";

    /** CLIP's context length. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;

    static {
        // DJL's Ec2Utils.callHome probes the EC2 metadata address unless this (or -Doffline=true) is set.
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long bosId;
    private final long eosId;
    private final long padId;

    /**
     * Loading options.
     *
     * @param contextLength the sequence length, {@code text_config.max_position_embeddings} (77)
     * @param padId the padding id, or null to take it from the tokenizer files (see the class comment)
     */
    public record Options(int contextLength, Long padId) {

        public static final Options DEFAULT = new Options(DEFAULT_CONTEXT_LENGTH, null);

        public Options {
            if (contextLength < 2) {
                throw new IllegalArgumentException("contextLength must be at least 2 (start and end of text), got "
                        + contextLength);
            }
        }

        /** Options for a text tower: its context length, padding from the tokenizer files. */
        public static Options of(ClipTextConfig textConfig) {
            return new Options(textConfig.maxPositionEmbeddings(), null);
        }
    }

    /**
     * One encoded text.
     *
     * @param ids {@code contextLength} token ids: start of text, the text's tokens, end of text, padding
     * @param length the number of ids before the padding (at least 2)
     * @param eosPosition the index of the first end-of-text id, where Hugging Face's {@code CLIPTextTransformer}
     *     pools (the last real token unless the text itself contains {@code <|endoftext|>})
     */
    public record Encoded(long[] ids, int length, int eosPosition) {

        /** Returns the attention mask Hugging Face's processor returns: 1 for the first {@code length} ids. */
        public long[] attentionMask() {
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 0, length, 1L);
            return mask;
        }
    }

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength, long bosId, long eosId, long padId) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
    }

    /** Loads {@code tokenizer.json} from a model folder or a file, with the default options. */
    public static ClipTokenizer load(Path modelFolderOrFile) throws IOException {
        return load(modelFolderOrFile, Options.DEFAULT);
    }

    /** Loads {@code tokenizer.json} from a model folder or a file. */
    public static ClipTokenizer load(Path modelFolderOrFile, Options options) throws IOException {
        Path file = Files.isDirectory(modelFolderOrFile) ? modelFolderOrFile.resolve("tokenizer.json")
                : modelFolderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer.json at " + file
                    + "; a CLIP text tower needs the model's tokenizer.json");
        }
        JsonNode root = JSON.readTree(file.toFile());
        long bosId = tokenId(root, BOS_TOKEN, file);
        long eosId = tokenId(root, EOS_TOKEN, file);
        long padId = options.padId() != null ? options.padId() : padId(root, file.getParent(), eosId);

        // DJL truncates (keeping room for the two special tokens); we pad ourselves with padId.
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(options.contextLength()),
                "modelMaxLength", Integer.toString(options.contextLength())));
        ClipTokenizer clip = new ClipTokenizer(tokenizer, options.contextLength(), bosId, eosId, padId);
        try {
            clip.checkSpecialTokens(file);
        } catch (RuntimeException e) {
            clip.close();
            throw e;
        }
        LOG.debug("loaded {}: context length {}, bos {}, eos {}, pad {}", file, options.contextLength(), bosId,
                eosId, padId);
        return clip;
    }

    /** Encodes one text to {@code contextLength} ids. */
    public Encoded encode(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] raw = encoding.getIds();
        if (raw.length > contextLength || raw.length < 2 || raw[0] != bosId || raw[raw.length - 1] != eosId) {
            throw new IllegalStateException("tokenizer produced " + raw.length + " ids " + preview(raw)
                    + "; expected at most " + contextLength + " starting with " + bosId + " and ending with "
                    + eosId);
        }
        long[] ids = new long[contextLength];
        System.arraycopy(raw, 0, ids, 0, raw.length);
        Arrays.fill(ids, raw.length, contextLength, padId);
        int eosPosition = 0;
        while (ids[eosPosition] != eosId) {
            eosPosition++;
        }
        return new Encoded(ids, raw.length, eosPosition);
    }

    /** Encodes several texts, one {@link Encoded} each. */
    public List<Encoded> encodeAll(List<String> texts) {
        List<Encoded> result = new ArrayList<>(texts.size());
        for (String text : texts) {
            result.add(encode(text));
        }
        return result;
    }

    /** Returns the byte-level BPE token strings of a text, without padding (for diagnostics and tests). */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }

    /** Concatenates the ids of several encodings into one {@code (N, contextLength)} row-major array. */
    public static long[] batchIds(List<Encoded> encoded) {
        if (encoded.isEmpty()) {
            return new long[0];
        }
        int length = encoded.getFirst().ids().length;
        long[] batch = new long[Math.multiplyExact(encoded.size(), length)];
        for (int i = 0; i < encoded.size(); i++) {
            System.arraycopy(encoded.get(i).ids(), 0, batch, i * length, length);
        }
        return batch;
    }

    public int contextLength() {
        return contextLength;
    }

    public long bosId() {
        return bosId;
    }

    public long eosId() {
        return eosId;
    }

    public long padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private void checkSpecialTokens(Path file) {
        long[] ids = tokenizer.encode("").getIds();
        if (ids.length != 2 || ids[0] != bosId || ids[1] != eosId) {
            throw new IllegalArgumentException(file + " does not wrap texts in " + BOS_TOKEN + " ... " + EOS_TOKEN
                    + ": the empty text gives " + preview(ids) + ", expected [" + bosId + ", " + eosId
                    + "]; is it a CLIP tokenizer (post_processor RobertaProcessing or TemplateProcessing)?");
        }
    }

    /** Finds a special token's id in {@code added_tokens}, else in {@code model.vocab}. */
    private static long tokenId(JsonNode root, String token, Path file) {
        for (JsonNode added : root.path("added_tokens")) {
            if (token.equals(added.path("content").asText()) && added.path("id").canConvertToLong()) {
                return added.get("id").longValue();
            }
        }
        JsonNode id = root.path("model").path("vocab").get(token);
        if (id != null && id.canConvertToLong()) {
            return id.longValue();
        }
        throw new IllegalArgumentException(file + " has no " + token + " token; expected a CLIP tokenizer");
    }

    private static long padId(JsonNode root, Path folder, long eosId) throws IOException {
        JsonNode padding = root.get("padding");
        if (padding != null && padding.path("pad_id").canConvertToLong()) {
            return padding.get("pad_id").longValue();
        }
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Path path = folder == null ? null : folder.resolve(name);
            if (path == null || !Files.isRegularFile(path)) {
                continue;
            }
            JsonNode pad = JSON.readTree(path.toFile()).get("pad_token");
            String content = pad == null || pad.isNull() ? null : pad.isTextual() ? pad.asText()
                    : pad.path("content").asText(null);
            if (content != null) {
                return tokenId(root, content, path);
            }
        }
        return eosId;
    }

    private static String preview(long[] ids) {
        int n = Math.min(ids.length, 8);
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            text.append(i > 0 ? ", " : "").append(ids[i]);
        }
        return text.append(ids.length > n ? ", ...]" : "]").toString();
    }
}
