package org.gse.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Stickers of the pair lists whose images are missing or cannot be decoded, when that is not allowed. */
public class MissingImagesException extends IOException {

    private static final int LISTED = 10;

    private final List<String> missing;
    private final Map<String, String> undecodable;

    public MissingImagesException(List<String> missing, Map<String, String> undecodable, Path folder) {
        super(message(missing, undecodable, folder));
        this.missing = List.copyOf(missing);
        this.undecodable = Map.copyOf(undecodable);
    }

    public List<String> missing() {
        return missing;
    }

    public Map<String, String> undecodable() {
        return undecodable;
    }

    private static String message(List<String> missing, Map<String, String> undecodable, Path folder) {
        StringBuilder text = new StringBuilder();
        if (!missing.isEmpty()) {
            text.append(missing.size()).append(missing.size() == 1 ? " sticker has" : " stickers have")
                    .append(" no image in ").append(folder).append(" (looked for ID and ID.jpg): ")
                    .append(String.join(", ", missing.subList(0, Math.min(LISTED, missing.size()))))
                    .append(missing.size() > LISTED ? ", ..." : "");
        }
        if (!undecodable.isEmpty()) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(undecodable.size()).append(undecodable.size() == 1 ? " image" : " images")
                    .append(" cannot be decoded: ");
            undecodable.entrySet().stream().limit(LISTED).forEach(e ->
                    text.append(e.getKey()).append(" (").append(e.getValue()).append("), "));
            text.setLength(text.length() - 2);
            text.append(undecodable.size() > LISTED ? ", ..." : "");
        }
        return text.append(". Pass --allow-missing to drop the pairs that use them and report how many were dropped.")
                .toString();
    }
}
