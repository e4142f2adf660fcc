package org.gse.data.emoji;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.gse.data.emoji.PairPlanner.PlannedPair;
import org.gse.data.emoji.PairPlanner.Split;
import org.gse.decode.DecodeLimits;
import org.gse.decode.StickerDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the open emoji sticker corpus: the same emoji drawn by several art sets from the npm registry. Each
 * image gets CLDR names and keywords in English and Chinese, its Unicode group and a valence class for rated
 * faces, and Triple-S-format pair lists are drawn with splits by emoji.
 *
 * <p>Outline of {@link #build}:
 * <ol>
 *   <li>resolve and fetch the six packages, each verified against its published SHA-512 integrity;
 *   <li>read the annotations and each style's image list;
 *   <li>choose the emoji that every style draws (rated faces first, then a seeded sample, up to the cap);
 *   <li>assign emoji to train, validation and test;
 *   <li>normalise the images to square PNGs in a temporary folder, dropping an emoji whose art fails to decode;
 *   <li>write {@code stickers.csv}, the query files, the pair files, the licences, {@code manifest.json} and
 *       {@code README.md};
 *   <li>replace the output folder with the temporary one by renaming it.
 * </ol>
 * The output is the same for the same packages, options and seed.
 */
public final class EmojiCorpusBuilder {

    /**
     * Build options.
     *
     * @param out the output folder; replaced as a whole when the build succeeds
     * @param size the side of the square output images, in pixels
     * @param maxEmoji the largest number of emoji kept
     * @param seed the seed of the emoji sample, the splits and the pairs
     * @param heldOut the style kept out of training and validation
     * @param threads worker threads that normalise images
     */
    public record Options(Path out, int size, int maxEmoji, long seed, EmojiStyle heldOut, int threads) {

        public Options {
            if (maxEmoji < 10) {
                throw new IllegalArgumentException("the emoji cap must be at least 10, got " + maxEmoji);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    /** Summary of a finished build: output folder, counts, size in bytes and wall-clock seconds. */
    public record Result(Path out, int emoji, int stickers, Map<String, PairCounts> pairs, long bytes, double seconds) {}

    /** The annotation packages, beside the art packages that {@link EmojiStyle} names. */
    static final String EMOJIBASE = "emojibase-data";
    static final String EMOJIBASE_VERSION = "17.0.0";
    static final String EMOJI_EMOTION = "emoji-emotion";
    static final String EMOJI_EMOTION_VERSION = "3.0.1";

    /**
     * Groups left out. Components (skin tones, hair styles) are not emoji on their own. Flags are patterned
     * rectangles that stand for countries, a meaning that stickers rarely carry.
     */
    static final Set<String> EXCLUDED_GROUPS = Set.of("component", "flags");

    private static final Logger log = LoggerFactory.getLogger(EmojiCorpusBuilder.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long MAX_ENTRY_BYTES = 16L << 20;
    private static final long MAX_SELECTED_BYTES = 1L << 30;

    private final NpmRegistry registry;
    private final StickerDecoder decoder;

    public EmojiCorpusBuilder(NpmRegistry registry) {
        this(registry, StickerDecoder.withAllFormats(DecodeLimits.DEFAULT));
    }

    EmojiCorpusBuilder(NpmRegistry registry, StickerDecoder decoder) {
        this.registry = registry;
        this.decoder = decoder;
    }

    /** Builds the corpus into {@code options.out()}; see the class outline. */
    public Result build(Options options) throws IOException {
        long start = System.nanoTime();
        log.info("Building the emoji corpus into {} ({} px, at most {} emoji, seed {}, held-out style {})",
                options.out(), options.size(), options.maxEmoji(), options.seed(), options.heldOut().id());

        // 1. Packages
        Map<String, NpmPackage> packages = new LinkedHashMap<>();
        Map<String, Path> tarballs = new LinkedHashMap<>();
        for (String[] nameVersion : packageList()) {
            NpmPackage pkg = registry.resolve(nameVersion[0], nameVersion[1]);
            packages.put(pkg.name(), pkg);
            tarballs.put(pkg.name(), registry.tarball(pkg));
        }

        // 2. Annotations and images
        TarballReader reader = new TarballReader(MAX_ENTRY_BYTES, MAX_SELECTED_BYTES);
        Map<String, byte[]> emojibase = reader.read(tarballs.get(EMOJIBASE), name -> name.equals("en/data.json")
                || name.equals("zh/data.json") || name.equals("en/messages.json") || isLicense(name));
        Map<String, byte[]> emotion = reader.read(tarballs.get(EMOJI_EMOTION),
                name -> name.equals("index.js") || isLicense(name));
        EmojiCatalog catalog = EmojiCatalog.read(emojibase, emotion);
        Map<String, Map<String, byte[]>> licenses = new TreeMap<>();
        licenses.put(EMOJIBASE, licenseFiles(emojibase));
        licenses.put(EMOJI_EMOTION, licenseFiles(emotion));
        Map<EmojiStyle, Map<String, byte[]>> art = new EnumMap<>(EmojiStyle.class);
        for (EmojiStyle style : EmojiStyle.values()) {
            Map<String, byte[]> files = reader.read(tarballs.get(style.packageName()),
                    name -> style.keyOf(name).isPresent() || isLicense(name));
            Map<String, byte[]> images = new TreeMap<>();
            files.forEach((name, bytes) -> style.keyOf(name).ifPresent(key -> images.put(key, bytes)));
            art.put(style, images);
            licenses.put(style.packageName(), licenseFiles(files));
            log.info("{}: {} images in {}", style.id(), images.size(), packages.get(style.packageName()).id());
        }

        // 3. Emoji choice
        List<EmojiCatalog.Entry> chosen = choose(catalog, art, options);
        Map<String, EmojiCatalog.Entry> byKey = new LinkedHashMap<>();
        Map<String, String> subgroupOf = new LinkedHashMap<>();
        for (EmojiCatalog.Entry entry : chosen) {
            byKey.put(entry.key(), entry);
            subgroupOf.put(entry.key(), entry.subgroup());
        }

        // 4. Splits
        PairPlanner planner = new PairPlanner(options.seed());
        Map<String, Split> splitOf = planner.assign(new ArrayList<>(byKey.keySet()), subgroupOf);

        // 5. Images
        Path parent = options.out().toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path temp = AtomicFiles.createTempDirectory(parent, "." + options.out().getFileName() + ".building-");
        try {
            Set<String> failed = normalizeImages(art, byKey.keySet(), splitOf, options, temp.resolve("images"));
            for (String key : failed) {
                for (EmojiStyle style : EmojiStyle.values()) {
                    Files.deleteIfExists(temp.resolve("images").resolve(PairPlanner.stickerId(style, key)));
                }
                byKey.remove(key);
                splitOf.remove(key);
            }

            // 6. Tables, pairs, provenance
            List<EmojiStyle> seen = new ArrayList<>();
            for (EmojiStyle style : EmojiStyle.values()) {
                if (style != options.heldOut()) {
                    seen.add(style);
                }
            }
            Map<Split, List<String>> keysBySplit = new EnumMap<>(Split.class);
            for (Split split : Split.values()) {
                keysBySplit.put(split, new ArrayList<>());
            }
            splitOf.forEach((key, split) -> keysBySplit.get(split).add(key));
            Map<String, List<PlannedPair>> pairLists = new LinkedHashMap<>();
            for (Split split : Split.values()) {
                pairLists.put(split.id, planner.pairs(keysBySplit.get(split), subgroupOf, seen, split.ordinal()));
            }
            pairLists.put("test_heldout_style", planner.heldOutPairs(keysBySplit.get(Split.TEST), subgroupOf,
                    options.heldOut(), seen, Split.values().length));
            Map<String, PairCounts> counts = new LinkedHashMap<>();
            for (Map.Entry<String, List<PlannedPair>> list : pairLists.entrySet()) {
                writePairs(temp.resolve("pairs").resolve(list.getKey() + ".csv"), list.getValue());
                counts.put(list.getKey(), PairCounts.of(list.getValue()));
            }
            int stickers = writeStickers(temp, byKey, splitOf, options.heldOut());
            writeLicenses(temp.resolve("licenses"), licenses);
            long bytes = sizeOf(temp);
            double seconds = (System.nanoTime() - start) / 1e9;
            ObjectNode manifest = manifest(packages, options, byKey, splitOf, stickers, counts, catalog, failed);
            Files.writeString(temp.resolve("manifest.json"), JSON.writeValueAsString(manifest) + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(temp.resolve("README.md"),
                    DatasetReadme.render(packages, options, byKey.size(), stickers, counts), StandardCharsets.UTF_8);

            // 7. Publish
            replace(temp, options.out());
            Result result = new Result(options.out(), byKey.size(), stickers, counts, sizeOf(options.out()), seconds);
            log.info(String.format(Locale.ROOT, "Built %d emoji, %d stickers, %.1f MB in %.1f s into %s",
                    result.emoji(), result.stickers(), result.bytes() / 1e6, seconds, options.out()));
            return result;
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
    }

    /** Returns every package the corpus uses as {@code {name, version}}, art sets first. */
    static List<String[]> packageList() {
        List<String[]> list = new ArrayList<>();
        for (EmojiStyle style : EmojiStyle.values()) {
            list.add(new String[] {style.packageName(), style.version()});
        }
        list.add(new String[] {EMOJIBASE, EMOJIBASE_VERSION});
        list.add(new String[] {EMOJI_EMOTION, EMOJI_EMOTION_VERSION});
        return list;
    }

    /**
     * Chooses the emoji: those outside {@link #EXCLUDED_GROUPS} that every style draws and emojibase names in
     * both languages; all rated ones first, then a seeded sample of the rest up to the cap; in emojibase order.
     */
    private static List<EmojiCatalog.Entry> choose(EmojiCatalog catalog, Map<EmojiStyle, Map<String, byte[]>> art,
            Options options) {
        List<EmojiCatalog.Entry> rated = new ArrayList<>();
        List<EmojiCatalog.Entry> others = new ArrayList<>();
        int candidates = 0;
        for (EmojiCatalog.Entry entry : catalog.entries()) {
            if (EXCLUDED_GROUPS.contains(entry.group()) || entry.nameZh().isEmpty()) {
                continue;
            }
            boolean everywhere = true;
            for (EmojiStyle style : EmojiStyle.values()) {
                everywhere &= art.get(style).containsKey(entry.key());
            }
            if (!everywhere) {
                continue;
            }
            candidates++;
            (entry.polarity() != null ? rated : others).add(entry);
        }
        Collections.shuffle(others, new Random(options.seed()));
        List<EmojiCatalog.Entry> chosen = new ArrayList<>(rated);
        for (EmojiCatalog.Entry entry : others) {
            if (chosen.size() >= options.maxEmoji()) {
                break;
            }
            chosen.add(entry);
        }
        if (chosen.size() > options.maxEmoji()) {
            chosen = chosen.subList(0, options.maxEmoji());
        }
        chosen.sort((a, b) -> Integer.compare(a.order(), b.order()));
        log.info("{} emoji drawn by every style ({} of them rated for emotion); keeping {}", candidates,
                rated.size(), chosen.size());
        if (chosen.size() < 10) {
            throw new IllegalStateException("only " + chosen.size() + " emoji are drawn by every style; the"
                    + " packages do not look like the emoji art sets this builder expects");
        }
        return chosen;
    }

    /** Writes the images each split needs and returns the keys of emoji whose art failed to decode. */
    private Set<String> normalizeImages(Map<EmojiStyle, Map<String, byte[]>> art, Set<String> keys,
            Map<String, Split> splitOf, Options options, Path images) throws IOException {
        ImageNormalizer normalizer = new ImageNormalizer(decoder, options.size());
        List<String[]> jobs = new ArrayList<>();
        for (String key : keys) {
            for (EmojiStyle style : EmojiStyle.values()) {
                if (style != options.heldOut() || splitOf.get(key) == Split.TEST) {
                    jobs.add(new String[] {style.name(), key});
                }
            }
        }
        for (EmojiStyle style : EmojiStyle.values()) {
            Files.createDirectories(images.resolve(style.id()));
        }
        Set<String> failed = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String[] job : jobs) {
                futures.add(pool.submit(() -> {
                    EmojiStyle style = EmojiStyle.valueOf(job[0]);
                    String source = style.packageName() + ":" + style.imageFolder() + job[1] + style.extension();
                    byte[] png = null;
                    try {
                        png = normalizer.normalize(art.get(style).get(job[1]), style.extension(), source);
                    } catch (IOException e) {
                        log.error("Dropping emoji {}: its {} art failed to decode: {}", job[1], style.id(),
                                e.getMessage());
                        failed.add(job[1]);
                    }
                    if (png != null) {
                        Path target = images.resolve(PairPlanner.stickerId(style, job[1]));
                        try {
                            Files.write(target, png);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
                        }
                    }
                    int finished = done.incrementAndGet();
                    if (finished % 1000 == 0 || finished == jobs.size()) {
                        log.info(String.format(Locale.ROOT, "Normalised %d of %d images (%.1f s)", finished,
                                jobs.size(), (System.nanoTime() - start) / 1e9));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while normalising images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            throw new IllegalStateException("normalising an image failed unexpectedly", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return failed;
    }

    /** Writes stickers.csv and the two query files; returns the number of stickers. */
    private static int writeStickers(Path folder, Map<String, EmojiCatalog.Entry> byKey, Map<String, Split> splitOf,
            EmojiStyle heldOut) throws IOException {
        int stickers = 0;
        try (CsvWriter table = new CsvWriter(folder.resolve("stickers.csv"), "id", "emoji", "style", "name", "group",
                "subgroup", "emotion", "license", "split");
                CsvWriter english = new CsvWriter(folder.resolve("queries_en.csv"), "sticker_id", "labeled_queries");
                CsvWriter chinese = new CsvWriter(folder.resolve("queries_zh.csv"), "sticker_id", "labeled_queries")) {
            for (EmojiCatalog.Entry entry : byKey.values()) {
                Split split = splitOf.get(entry.key());
                for (EmojiStyle style : EmojiStyle.values()) {
                    if (style == heldOut && split != Split.TEST) {
                        continue;
                    }
                    String id = PairPlanner.stickerId(style, entry.key());
                    table.row(id, entry.emoji(), style.id(), entry.nameEn(), entry.group(), entry.subgroup(),
                            entry.emotion(), style.license(), split.id);
                    english.row(id, queries(entry.nameEn(), entry.keywordsEn()));
                    chinese.row(id, queries(entry.nameZh(), entry.keywordsZh()));
                    stickers++;
                }
            }
        }
        return stickers;
    }

    /**
     * Returns the {@code labeled_queries} field: the CLDR name, then its keywords, without repeats. Commas inside
     * a name would split it when read back, so they become spaces.
     */
    static String queries(String name, List<String> keywords) {
        Set<String> queries = new LinkedHashSet<>();
        for (String query : concat(name, keywords)) {
            String clean = query.replace(',', ' ').replace('，', ' ').strip().replaceAll("\\s+", " ");
            if (!clean.isEmpty()) {
                queries.add(clean);
            }
        }
        return String.join(",", queries);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static void writePairs(Path file, List<PlannedPair> pairs) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, "sticker_id", "sticker_id_2", "label")) {
            for (PlannedPair pair : pairs) {
                csv.row(pair.stickerId(), pair.stickerId2(), Integer.toString(pair.label()));
            }
        }
    }

    private static boolean isLicense(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.contains("/") && (lower.startsWith("license") || lower.startsWith("licence"));
    }

    private static Map<String, byte[]> licenseFiles(Map<String, byte[]> files) {
        Map<String, byte[]> licenses = new TreeMap<>();
        files.forEach((name, bytes) -> {
            if (isLicense(name)) {
                licenses.put(name, bytes);
            }
        });
        return licenses;
    }

    private static void writeLicenses(Path folder, Map<String, Map<String, byte[]>> licenses) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, Map<String, byte[]>> pkg : licenses.entrySet()) {
            for (Map.Entry<String, byte[]> file : pkg.getValue().entrySet()) {
                String safe = NpmPackage.cacheName(pkg.getKey(), "").replaceAll("-$", "");
                Files.write(folder.resolve(safe + "." + file.getKey().replace('/', '_')), file.getValue());
            }
        }
    }

    private static ObjectNode manifest(Map<String, NpmPackage> packages, Options options,
            Map<String, EmojiCatalog.Entry> byKey, Map<String, Split> splitOf, int stickers,
            Map<String, PairCounts> counts, EmojiCatalog catalog, Set<String> failed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", "gse-emoji");
        root.put("format", 1);
        root.put("seed", options.seed());
        root.put("image_size", options.size());
        root.put("max_emoji", options.maxEmoji());
        root.put("held_out_style", options.heldOut().id());
        root.put("emotion_rule", "emoji-emotion polarity: <= -2 negative, -1..1 neutral, >= 2 positive;"
                + " empty when unrated");
        ArrayNode excluded = root.putArray("excluded_groups");
        new java.util.TreeSet<>(EXCLUDED_GROUPS).forEach(excluded::add);
        ArrayNode list = root.putArray("packages");
        for (NpmPackage pkg : packages.values()) {
            ObjectNode node = list.addObject();
            node.put("name", pkg.name());
            node.put("version", pkg.version());
            node.put("tarball", pkg.tarball().toString());
            node.put("integrity", pkg.integrity().value());
        }
        ArrayNode styles = root.putArray("styles");
        for (EmojiStyle style : EmojiStyle.values()) {
            ObjectNode node = styles.addObject();
            node.put("style", style.id());
            node.put("package", style.packageName());
            node.put("license", style.license());
            node.put("attribution", style.attribution());
            node.put("held_out", style == options.heldOut());
        }
        ObjectNode countNode = root.putObject("counts");
        countNode.put("emoji", byKey.size());
        countNode.put("stickers", stickers);
        countNode.put("emoji_dropped_for_decode_errors", failed.size());
        countNode.put("emoji_rated_for_emotion", byKey.values().stream().filter(e -> e.polarity() != null).count());
        countNode.put("catalog_emoji_rated", catalog.ratedCount());
        ObjectNode perSplit = countNode.putObject("emoji_per_split");
        for (Split split : Split.values()) {
            perSplit.put(split.id, splitOf.values().stream().filter(s -> s == split).count());
        }
        ObjectNode pairNode = countNode.putObject("pairs");
        counts.forEach((name, c) -> {
            ObjectNode node = pairNode.putObject(name);
            node.put("pairs", c.pairs());
            node.put("positives", c.positives());
            node.put("negatives", c.negatives());
            node.put("hard_negatives", c.hardNegatives());
        });
        return root;
    }

    /** Moves the finished temporary folder into place, keeping the old output until the new one is there. */
    private static void replace(Path temp, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling("." + out.getFileName() + ".old-" + System.nanoTime());
            move(out, old);
        }
        move(temp, out);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static long sizeOf(Path folder) throws IOException {
        long[] total = {0};
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                total[0] += attributes.size();
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
