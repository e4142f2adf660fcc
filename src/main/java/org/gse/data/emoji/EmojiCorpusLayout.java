package org.gse.data.emoji;

import java.nio.file.Path;

/**
 * The files of a built emoji corpus, for readers such as {@code gse eval} and the trainer. Sticker ids in every
 * CSV file are image paths relative to {@link #images()}.
 *
 * @param root the corpus folder that {@code gse datasets build emoji --out} wrote
 */
public record EmojiCorpusLayout(Path root) {

    /** Returns the layout of the default output folder, {@code ~/.cache/gse/data/emoji}. */
    public static EmojiCorpusLayout defaultLocation() {
        return new EmojiCorpusLayout(Path.of(System.getProperty("user.home"), ".cache", "gse", "data", "emoji"));
    }

    /** Returns the image folder, {@code images/}, with one {@code <style>/<key>.png} per sticker. */
    public Path images() {
        return root.resolve("images");
    }

    /** Returns {@code stickers.csv}: {@code id,emoji,style,name,group,subgroup,emotion,license,split}. */
    public Path stickers() {
        return root.resolve("stickers.csv");
    }

    /** Returns the StickerQueries file of a language, {@code en} or {@code zh}. */
    public Path queries(String language) {
        return root.resolve("queries_" + language + ".csv");
    }

    /** Returns a Triple-S pair file: {@code train}, {@code validation}, {@code test} or {@code test_heldout_style}. */
    public Path pairs(String list) {
        return root.resolve("pairs").resolve(list + ".csv");
    }

    /** Returns {@code manifest.json}. */
    public Path manifest() {
        return root.resolve("manifest.json");
    }
}
