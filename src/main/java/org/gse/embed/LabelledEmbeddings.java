package org.gse.embed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings of labelled sticker files with one entry per distinct content. A file whose bytes equal an earlier
 * file's is left out, because the same sticker twice would be a trivial retrieval hit and would count twice in a
 * classification fold. Files that fail to decode or embed are left out too. Both are listed in {@link #skipped}.
 *
 * @param keys sha256 of each kept file
 * @param files the kept files
 * @param labels label of each kept file
 * @param embeddings embedding of each kept file
 * @param skipped one line per left-out file: the file and why
 */
public record LabelledEmbeddings(List<String> keys, List<Path> files, List<String> labels,
        List<Embedding> embeddings, List<String> skipped) {

    private static final Logger log = LoggerFactory.getLogger(LabelledEmbeddings.class);

    /** Embeds {@code files}, whose labels are {@code labels} in the same order. */
    public static LabelledEmbeddings embed(List<Path> files, List<String> labels, StickerEmbedder embedder,
            LongConsumer progress) throws InterruptedException {
        if (files.size() != labels.size()) {
            throw new IllegalArgumentException("files and labels differ in count: " + files.size() + " and "
                    + labels.size());
        }
        Map<Path, String> labelOf = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            String previous = labelOf.putIfAbsent(files.get(i), labels.get(i));
            if (previous != null && !previous.equals(labels.get(i))) {
                throw new IllegalArgumentException("file " + files.get(i) + " has two labels, '" + previous
                        + "' and '" + labels.get(i) + "'; give each file one label");
            }
        }

        List<String> skipped = new ArrayList<>();
        List<StickerEmbedder.Result> results = embedder.run(new ArrayList<>(labelOf.keySet()), progress);
        for (StickerEmbedder.Result result : results) {
            if (!result.ok()) {
                skipped.add(result.file() + ": " + result.error());
            }
        }

        List<String> keys = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        List<String> keptLabels = new ArrayList<>();
        List<Embedding> embeddings = new ArrayList<>();
        Map<String, Path> firstWithKey = new HashMap<>();
        for (StickerEmbedder.Result sticker : results) {
            if (!sticker.ok()) {
                continue;
            }
            Path first = firstWithKey.putIfAbsent(sticker.sha256(), sticker.file());
            if (first != null) {
                log.warn("Leaving out {}: same content as {}", sticker.file(), first);
                skipped.add(sticker.file() + ": same content as " + first);
                continue;
            }
            keys.add(sticker.sha256());
            kept.add(sticker.file());
            keptLabels.add(labelOf.get(sticker.file()));
            embeddings.add(sticker.embedding());
        }
        return new LabelledEmbeddings(List.copyOf(keys), List.copyOf(kept), List.copyOf(keptLabels),
                List.copyOf(embeddings), List.copyOf(skipped));
    }
}
