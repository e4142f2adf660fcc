package org.gse.data.emoji;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.gse.TestData;

/**
 * A tiny npm registry folder that mimics the six packages of the emoji corpus: 40 face emoji in five subgroups
 * of eight, plus {@code U+2764 U+FE0F} (file names with and without the selector), one component that must be
 * left out and one emoji that the Fluent set lacks. Images are small generated PNGs and SVGs and, for the Fluent
 * set, a real lossless WebP fixture.
 */
public final class FakeRegistry {

    static final int FACES = 40;
    static final int SUBGROUP_SIZE = 8;
    static final String MISSING_IN_FLUENT = "1f648";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeRegistry() {}

    /** Returns the keys of the face emoji, {@code 1f600} to {@code 1f627}. */
    static List<String> faceKeys() {
        return java.util.stream.IntStream.range(0, FACES)
                .mapToObj(i -> Integer.toHexString(0x1F600 + i)).toList();
    }

    /** Returns the subgroup key of a face emoji's index. */
    static String subgroup(int index) {
        return "faces-" + index / SUBGROUP_SIZE;
    }

    /** Writes the registry into {@code folder}. */
    public static void write(Path folder) throws IOException {
        byte[] webp = Files.readAllBytes(TestData.resource("fixtures/webp/still-lossless.webp"));
        List<String> keys = new java.util.ArrayList<>(faceKeys());
        keys.add("2764");
        keys.add(MISSING_IN_FLUENT);

        Map<String, byte[]> google = new LinkedHashMap<>();
        Map<String, byte[]> twitter = new LinkedHashMap<>();
        Map<String, byte[]> openmoji = new LinkedHashMap<>();
        Map<String, byte[]> fluent = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String padded = key.equals("2764") ? "2764-fe0f" : key;
            google.put("img/google/64/" + padded + ".png", png(i, 64, 64));
            twitter.put("img/twitter/64/" + padded + ".png", png(i + 7, 72, 48));
            openmoji.put("color/svg/" + key.toUpperCase(Locale.ROOT) + ".svg", svg(i));
            if (!key.equals(MISSING_IN_FLUENT)) {
                fluent.put("assets/" + padded + ".webp", webp);
            }
        }
        google.put("LICENSE", "MIT (test)".getBytes(StandardCharsets.UTF_8));
        openmoji.put("LICENSE.txt", "CC BY-SA 4.0 (test)".getBytes(StandardCharsets.UTF_8));
        twitter.put("img/twitter/64/.hidden", new byte[] {1});

        publish(folder, "emoji-datasource-google", "16.0.0", google);
        publish(folder, "emoji-datasource-twitter", "16.0.0", twitter);
        publish(folder, "openmoji", "17.0.0", openmoji);
        publish(folder, "@lobehub/fluent-emoji-3d", "1.1.0", fluent);
        publish(folder, "emojibase-data", "17.0.0", emojibase());
        publish(folder, "emoji-emotion", "3.0.1", Map.of("index.js", emotionScript().getBytes(StandardCharsets.UTF_8),
                "license", "MIT (test)".getBytes(StandardCharsets.UTF_8)));
    }

    /** Replaces the published integrity of {@code name@version} with the hash of other bytes. */
    static void corruptIntegrity(Path folder, String name, String version) throws IOException {
        Path metadata = folder.resolve(name).resolve(version);
        ObjectNode document = (ObjectNode) JSON.readTree(metadata.toFile());
        ((ObjectNode) document.get("dist")).put("integrity", Integrity.of("other bytes".getBytes(StandardCharsets.UTF_8)));
        JSON.writeValue(metadata.toFile(), document);
    }

    /** Writes {@code <name>/<version>} metadata and {@code <name>/-/<file>.tgz} with a correct integrity. */
    static void publish(Path folder, String name, String version, Map<String, byte[]> files) throws IOException {
        byte[] tgz = tgz(files, "package/");
        String file = name.substring(name.lastIndexOf('/') + 1) + "-" + version + ".tgz";
        Path tarball = folder.resolve(name).resolve("-").resolve(file);
        Files.createDirectories(tarball.getParent());
        Files.write(tarball, tgz);
        ObjectNode document = JSON.createObjectNode();
        document.put("name", name);
        document.put("version", version);
        ObjectNode dist = document.putObject("dist");
        dist.put("tarball", "https://registry.npmjs.org/" + name + "/-/" + file);
        dist.put("integrity", Integrity.of(tgz));
        Files.writeString(folder.resolve(name).resolve(version), JSON.writeValueAsString(document));
    }

    /** Returns a gzip-compressed tar of {@code files}, each name prefixed by {@code prefix}. */
    static byte[] tgz(Map<String, byte[]> files, String prefix) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(prefix + file.getKey(), true);
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> emojibase() throws IOException {
        ArrayNode english = JSON.createArrayNode();
        ArrayNode chinese = JSON.createArrayNode();
        List<String> faces = faceKeys();
        for (int i = 0; i < faces.size(); i++) {
            String hex = faces.get(i).toUpperCase(Locale.ROOT);
            String emoji = new String(Character.toChars(0x1F600 + i));
            english.add(entry(hex, emoji, "face " + i, List.of("happy", "face"), 0, i / SUBGROUP_SIZE, i));
            chinese.add(entry(hex, emoji, "脸" + i, List.of("笑，哭", "脸"), 0, i / SUBGROUP_SIZE, i));
        }
        english.add(entry("2764-FE0F", "\u2764\uFE0F", "red heart", List.of("love"), 1, 5, 100));
        chinese.add(entry("2764-FE0F", "\u2764\uFE0F", "红心", List.of("爱"), 1, 5, 100));
        english.add(entry("1F3FB", "\uD83C\uDFFB", "light skin tone", List.of("skin"), 2, 6, 101));
        chinese.add(entry("1F3FB", "\uD83C\uDFFB", "较浅肤色", List.of("肤色"), 2, 6, 101));
        english.add(entry(MISSING_IN_FLUENT.toUpperCase(Locale.ROOT), "\uD83D\uDE48", "see-no-evil monkey",
                List.of("monkey"), 0, 0, 102));
        chinese.add(entry(MISSING_IN_FLUENT.toUpperCase(Locale.ROOT), "\uD83D\uDE48", "非礼勿视",
                List.of("猴子"), 0, 0, 102));
        english.add(JSON.createObjectNode().put("label", "regional indicator A").put("hexcode", "1F1E6"));

        ObjectNode messages = JSON.createObjectNode();
        ArrayNode groups = messages.putArray("groups");
        groups.addObject().put("key", "smileys-emotion").put("order", 0);
        groups.addObject().put("key", "symbols").put("order", 1);
        groups.addObject().put("key", "component").put("order", 2);
        ArrayNode subgroups = messages.putArray("subgroups");
        for (int s = 0; s < 5; s++) {
            subgroups.addObject().put("key", subgroup(s * SUBGROUP_SIZE)).put("order", s);
        }
        subgroups.addObject().put("key", "heart").put("order", 5);
        subgroups.addObject().put("key", "skin-tone").put("order", 6);

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("en/data.json", JSON.writeValueAsBytes(english));
        files.put("zh/data.json", JSON.writeValueAsBytes(chinese));
        files.put("en/messages.json", JSON.writeValueAsBytes(messages));
        files.put("LICENSE", "MIT (test)".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static ObjectNode entry(String hex, String emoji, String label, List<String> tags, int group,
            int subgroup, int order) {
        ObjectNode node = JSON.createObjectNode();
        node.put("label", label).put("hexcode", hex).put("emoji", emoji);
        tags.forEach(node.putArray("tags")::add);
        node.put("group", group).put("subgroup", subgroup).put("order", order);
        return node;
    }

    /** Rates the first three faces -4, 0 and 3, and the heart 3 written with its selector. */
    private static String emotionScript() {
        return """
                export const emojiEmotion = [
                  {
                    name: 'grinning',
                    emoji: '\uD83D\uDE00',
                    polarity: -4
                  },
                  {
                    name: 'grin',
                    emoji: '\uD83D\uDE01',
                    polarity: 0
                  },
                  {
                    name: 'joy',
                    emoji: '\uD83D\uDE02',
                    polarity: 3
                  },
                  {
                    name: 'heart',
                    emoji: '\u2764\uFE0F',
                    polarity: 3
                  }
                ]
                """;
    }

    private static byte[] png(int seed, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(Color.HSBtoRGB(seed / 13f, 0.8f, 0.9f)));
        g.fillOval(4, 4, width - 8, height - 8);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] svg(int seed) {
        String colour = String.format(Locale.ROOT, "#%06x", Color.HSBtoRGB(seed / 13f, 0.7f, 0.8f) & 0xFFFFFF);
        return ("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 72 72\" width=\"72\" height=\"72\">"
                + "<circle cx=\"36\" cy=\"36\" r=\"30\" fill=\"" + colour + "\" stroke=\"#000\" stroke-width=\"2\"/>"
                + "</svg>").getBytes(StandardCharsets.UTF_8);
    }
}
