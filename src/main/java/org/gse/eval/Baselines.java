package org.gse.eval;

import java.util.List;
import java.util.Locale;

/**
 * The weight-free baselines, by name. They show how far pixel similarity gets on a semantic task: any model worth
 * shipping must beat them clearly.
 */
public final class Baselines {

    /** The baseline names, in report order. */
    public static final List<String> NAMES = List.of("thumbnail", "histogram", "phash");

    private Baselines() {}

    /** Creates the baseline named {@code name} (case-insensitive). */
    public static Scorer<?> create(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "thumbnail" -> new ThumbnailScorer();
            case "histogram" -> new HistogramScorer();
            case "phash" -> new PerceptualHashScorer();
            default -> throw new IllegalArgumentException("unknown baseline '" + name + "'; expected one of "
                    + String.join(", ", NAMES));
        };
    }
}
