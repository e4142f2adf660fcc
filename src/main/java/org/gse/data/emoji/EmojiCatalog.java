package org.gse.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names, keywords, groups and emotion ratings of emoji, keyed by {@link EmojiKey}.
 *
 * <p>Sources:
 * <ul>
 *   <li>emojibase-data 17.0.0: {@code en/data.json} and {@code zh/data.json} carry the CLDR short name
 *       ({@code label}) and CLDR keywords ({@code tags}) per emoji in English and Simplified Chinese, with the
 *       Unicode group and subgroup as numbers; {@code en/messages.json} maps those numbers to keys such as
 *       {@code smileys-emotion} and {@code face-smiling}. Only top-level entries are read, so skin-tone variants
 *       are left out.
 *   <li>emoji-emotion 3.0.1: {@code index.js} rates about 120 emoji for valence from -5 to 5, derived from the
 *       AFINN-165 scores of the words people use for them (not from any vendor's picture).
 * </ul>
 */
final class EmojiCatalog {

    /** One emoji's annotations; {@code polarity} is null for emoji that emoji-emotion does not rate. */
    record Entry(String key, String emoji, int order, String nameEn, List<String> keywordsEn, String nameZh,
            List<String> keywordsZh, String group, String subgroup, Integer polarity) {

        /**
         * Returns the emotion class of the valence rating: {@code negative} for -5..-2, {@code neutral} for
         * -1..1, {@code positive} for 2..5, and an empty string for unrated emoji.
         */
        String emotion() {
            if (polarity == null) {
                return "";
            }
            if (polarity <= -2) {
                return "negative";
            }
            if (polarity >= 2) {
                return "positive";
            }
            return "neutral";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMOTION_ENTRY = Pattern.compile(
            "emoji:\\s*'([^']+)'\\s*,\\s*polarity:\\s*(-?\\d+)");

    private final Map<String, Entry> entries;

    private EmojiCatalog(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Returns the entries in emojibase order. */
    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Returns the number of emoji that emoji-emotion rates and emojibase names. */
    long ratedCount() {
        return entries.values().stream().filter(e -> e.polarity() != null).count();
    }

    /**
     * Builds the catalogue from the files of emojibase-data and emoji-emotion.
     *
     * @param emojibase files of the emojibase-data tarball, keyed by name without npm's top folder
     * @param emojiEmotion files of the emoji-emotion tarball, keyed the same way
     */
    static EmojiCatalog read(Map<String, byte[]> emojibase, Map<String, byte[]> emojiEmotion) throws IOException {
        JsonNode messages = json(emojibase, "en/messages.json");
        Map<Integer, String> groups = keysByOrder(messages.path("groups"));
        Map<Integer, String> subgroups = keysByOrder(messages.path("subgroups"));
        Map<String, JsonNode> chinese = new HashMap<>();
        for (JsonNode node : json(emojibase, "zh/data.json")) {
            EmojiKey.parse(node.path("hexcode").asText()).ifPresent(key -> chinese.put(key, node));
        }
        Map<String, Integer> polarity = readPolarity(emojiEmotion);

        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonNode node : json(emojibase, "en/data.json")) {
            if (!node.has("group") || !node.has("subgroup")) {
                continue; // regional indicators and other parts that are not emoji on their own
            }
            String key = EmojiKey.parse(node.path("hexcode").asText()).orElse(null);
            if (key == null) {
                continue;
            }
            JsonNode zh = chinese.get(key);
            entries.put(key, new Entry(key, node.path("emoji").asText(), node.path("order").asInt(),
                    node.path("label").asText(), strings(node.path("tags")),
                    zh == null ? "" : zh.path("label").asText(), zh == null ? List.of() : strings(zh.path("tags")),
                    groups.getOrDefault(node.path("group").asInt(), "group-" + node.path("group").asInt()),
                    subgroups.getOrDefault(node.path("subgroup").asInt(), "subgroup-" + node.path("subgroup").asInt()),
                    polarity.get(key)));
        }
        if (entries.isEmpty()) {
            throw new IOException("emojibase-data: en/data.json lists no emoji with a group and subgroup");
        }
        return new EmojiCatalog(entries);
    }

    /** Parses the valence list of emoji-emotion's {@code index.js} into polarity per emoji key. */
    static Map<String, Integer> readPolarity(Map<String, byte[]> emojiEmotion) throws IOException {
        byte[] script = emojiEmotion.get("index.js");
        if (script == null) {
            throw new IOException("emoji-emotion: index.js is missing from the tarball");
        }
        Map<String, Integer> polarity = new HashMap<>();
        Matcher matcher = EMOTION_ENTRY.matcher(new String(script, StandardCharsets.UTF_8));
        while (matcher.find()) {
            String key = keyOfText(matcher.group(1));
            if (!key.isEmpty()) {
                polarity.put(key, Integer.parseInt(matcher.group(2)));
            }
        }
        if (polarity.isEmpty()) {
            throw new IOException("emoji-emotion: index.js contains no 'emoji: ..., polarity: N' entries;"
                    + " the package layout changed");
        }
        return polarity;
    }

    /** Returns the {@link EmojiKey} of an emoji written as text. */
    static String keyOfText(String emoji) {
        StringBuilder hex = new StringBuilder();
        emoji.codePoints().forEach(cp -> hex.append(hex.isEmpty() ? "" : "-").append(Integer.toHexString(cp)));
        return EmojiKey.parse(hex.toString()).orElse("");
    }

    private static JsonNode json(Map<String, byte[]> files, String name) throws IOException {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IOException("emojibase-data: " + name + " is missing from the tarball");
        }
        return JSON.readTree(bytes);
    }

    private static Map<Integer, String> keysByOrder(JsonNode list) {
        Map<Integer, String> keys = new HashMap<>();
        for (JsonNode node : list) {
            keys.put(node.path("order").asInt(), node.path("key").asText());
        }
        return keys;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode node : array) {
            values.add(node.asText());
        }
        return values;
    }
}
