package org.gse.data.emoji;

import java.util.Locale;
import java.util.Map;

/** Renders the README.md that a built emoji corpus carries: layout, counts, rules, licences and attributions. */
final class DatasetReadme {

    private DatasetReadme() {}

    static String render(Map<String, NpmPackage> packages, EmojiCorpusBuilder.Options options, int emoji,
            int stickers, Map<String, PairCounts> counts) {
        StringBuilder md = new StringBuilder();
        md.append("# GSE emoji corpus\n\n");
        md.append(String.format(Locale.ROOT, "%d emoji drawn in %d art styles, %d images of %d x %d px"
                + " (PNG with alpha). Built by `gse datasets build emoji` with seed %d; the held-out style is `%s`.%n%n",
                emoji, EmojiStyle.values().length, stickers, options.size(), options.size(), options.seed(),
                options.heldOut().id()));
        md.append("## Files\n\n");
        md.append("| path | contents |\n| --- | --- |\n");
        md.append("| `images/<style>/<key>.png` | one image per emoji and style; `<key>` is the emoji's code points in"
                + " lower-case hex joined by `-`, without U+FE0F |\n");
        md.append("| `stickers.csv` | `id,emoji,style,name,group,subgroup,emotion,license,split`; `id` is the image"
                + " path under `images/` |\n");
        md.append("| `queries_en.csv`, `queries_zh.csv` | `sticker_id,labeled_queries`: the CLDR name and keywords in"
                + " English and Simplified Chinese, comma-separated |\n");
        md.append("| `pairs/train.csv`, `pairs/validation.csv`, `pairs/test.csv` | `sticker_id,sticker_id_2,label`"
                + " (Triple-S format) |\n");
        md.append("| `pairs/test_heldout_style.csv` | test pairs in which one image is in the held-out style |\n");
        md.append("| `manifest.json` | packages, versions, integrity hashes, options and counts |\n");
        md.append("| `licenses/` | the licence files shipped in each package |\n\n");
        md.append("Evaluate with `gse eval --train-pairs pairs/train.csv --test-pairs pairs/test.csv --images images`.\n\n");
        md.append("## Pairs\n\n");
        md.append("| list | pairs | similar | dissimilar | hard dissimilar |\n| --- | ---: | ---: | ---: | ---: |\n");
        counts.forEach((name, c) -> md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name,
                c.pairs(), c.positives(), c.negatives(), c.hardNegatives())));
        md.append("\nSplits are by emoji: no emoji appears in two of train, validation and test. A similar pair is one"
                + " emoji in two different styles; a dissimilar pair is two different emoji in two different styles,"
                + " and a hard one shares the Unicode subgroup. Images of the held-out style exist only for test"
                + " emoji and appear only in `test_heldout_style.csv`.\n\n");
        md.append("The `emotion` column comes from emoji-emotion's valence ratings (-5 to 5): -5..-2 is `negative`,"
                + " -1..1 `neutral`, 2..5 `positive`; unrated emoji have an empty value.\n\n");
        md.append("## Sources, licences and attributions\n\n");
        md.append("| package | version | integrity |\n| --- | --- | --- |\n");
        for (NpmPackage pkg : packages.values()) {
            md.append("| ").append(pkg.name()).append(" | ").append(pkg.version()).append(" | `")
                    .append(pkg.integrity().value(), 0, Math.min(30, pkg.integrity().value().length()))
                    .append("...` |\n");
        }
        md.append("\nThe art keeps its own licence, recorded per image in `stickers.csv`:\n\n");
        for (EmojiStyle style : EmojiStyle.values()) {
            md.append("- `").append(style.id()).append("` (").append(style.license()).append("): ")
                    .append(style.attribution()).append(".\n");
        }
        md.append("- Names and keywords: Unicode CLDR annotations (Unicode License v3) through emojibase-data (MIT,"
                + " Miles Johnson).\n");
        md.append("- Valence ratings: emoji-emotion (MIT, Titus Wormer).\n\n");
        md.append("Images in the OpenMoji style were rendered from SVG and are adaptations under CC BY-SA 4.0, so"
                + " they must be shared under the same licence. Every image was resized and centred on a"
                + " transparent square.\n");
        return md.toString();
    }
}
