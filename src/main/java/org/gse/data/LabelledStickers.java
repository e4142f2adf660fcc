package org.gse.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Readers for stickers with one class label each, as the retrieval and emotion evaluations use them.
 *
 * <p>Two layouts are read:
 * <ul>
 *   <li>a {@code path,label} CSV (RFC 4180 quoting; an optional header row whose first cell is {@code path});
 *       relative paths resolve against the CSV's folder;</li>
 *   <li>the SER30K layout as its authors' loader reads it: {@code ROOT/Annotations/image-level/SPLIT.json} holds
 *       {@code {"annotations": [{"topic": T, "file_name": F, "anno": N, ...}]}} and the image is
 *       {@code ROOT/Images/T/F}. The emotion class is the integer {@code anno}, 1 to 7; the label becomes
 *       {@code "emotion-N"} because the class names are not part of the annotation files.</li>
 * </ul>
 */
public final class LabelledStickers {

    /**
     * One sticker file with its class label.
     *
     * @param path the sticker file
     * @param label the class name, never blank
     */
    public record Labelled(Path path, String label) {}

    private LabelledStickers() {}

    /** Reads a {@code path,label} CSV. */
    public static List<Labelled> readCsv(Path csv) throws IOException {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        Path base = csv.toAbsolutePath().getParent();
        List<Labelled> rows = new ArrayList<>();
        try (MappingIterator<String[]> iterator = mapper.readerFor(String[].class).readValues(csv.toFile())) {
            int line = 0;
            while (iterator.hasNext()) {
                String[] cells = iterator.next();
                line++;
                if (line == 1 && cells.length > 0 && cells[0].trim().toLowerCase(Locale.ROOT).equals("path")) {
                    continue;
                }
                if (cells.length < 2 || cells[0].isBlank() || cells[1].isBlank()) {
                    throw new IllegalArgumentException("invalid row " + line + " in " + csv + ": expected"
                            + " 'path,label' with both cells filled, got " + cells.length + " cells");
                }
                rows.add(new Labelled(base.resolve(cells[0].trim()).normalize(), cells[1].trim()));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("labels file " + csv + " has no rows; expected 'path,label' lines");
        }
        return rows;
    }

    /**
     * Reads one split of a SER30K folder.
     *
     * @param root the folder that contains {@code Annotations} and {@code Images}
     * @param split {@code train}, {@code val} or {@code test}
     */
    public static List<Labelled> readSer30k(Path root, String split) throws IOException {
        Path annotations = root.resolve("Annotations").resolve("image-level").resolve(split + ".json");
        if (!Files.isRegularFile(annotations)) {
            throw new IOException("SER30K annotation file " + annotations + " not found; pass the folder that"
                    + " contains Annotations/image-level/" + split + ".json and Images/");
        }
        JsonNode list = new ObjectMapper().readTree(annotations.toFile()).path("annotations");
        if (!list.isArray()) {
            throw new IllegalArgumentException(annotations + " has no 'annotations' array");
        }
        List<Labelled> rows = new ArrayList<>(list.size());
        for (JsonNode annotation : list) {
            String topic = annotation.path("topic").asText("");
            String fileName = annotation.path("file_name").asText("");
            int emotion = annotation.path("anno").asInt(-1);
            if (topic.isEmpty() || fileName.isEmpty() || emotion < 1) {
                throw new IllegalArgumentException("invalid annotation in " + annotations + ": " + annotation
                        + "; expected topic, file_name and anno >= 1");
            }
            rows.add(new Labelled(root.resolve("Images").resolve(topic).resolve(fileName), "emotion-" + emotion));
        }
        return rows;
    }
}
