package org.gse.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face {@code CLIPImageProcessor} as stored in a model folder's {@code preprocessor_config.json}; each
 * field is the JSON key of the same name, and defaults are those of {@code CLIPImageProcessor.__init__}, which
 * reproduce {@code openai/clip-vit-*}.
 *
 * <p>Accepted forms, as Hugging Face's {@code get_size_dict} accepts them: {@code size} is an int (the shortest
 * edge), {@code [height, width]}, {@code {"shortest_edge": n}} (a {@code longest_edge} beside it is ignored, as
 * {@code CLIPImageProcessor.resize} ignores it) or {@code {"height": h, "width": w}}; {@code crop_size} is an
 * int (a square), {@code [height, width]} or {@code {"height": h, "width": w}}; {@code image_mean} and
 * {@code image_std} are three numbers or one number for all channels. Other keys (such as
 * {@code image_processor_type}) are ignored, and a JSON {@code null} means the default.
 *
 * @param doResize resize before cropping (true)
 * @param size target of the resize: a shortest edge, or a fixed height and width ({@code shortest_edge} 224)
 * @param resample Pillow filter number (3, bicubic)
 * @param doCenterCrop center crop after resizing (true)
 * @param cropSize crop height and width (224 x 224); a crop larger than the image pads with zeros
 * @param doRescale multiply samples by {@code rescaleFactor} (true)
 * @param rescaleFactor 1/255
 * @param doNormalize subtract the mean and divide by the standard deviation per channel (true)
 * @param imageMean per-channel mean, RGB (OpenAI CLIP's {@code [0.48145466, 0.4578275, 0.40821073]})
 * @param imageStd per-channel standard deviation, RGB ({@code [0.26862954, 0.26130258, 0.27577711]})
 * @param doConvertRgb convert to RGB first (true); our frames are always flattened to RGB by the alpha policy,
 *     so this only records the file's value
 */
public record ClipImageProcessorConfig(
        boolean doResize,
        Size size,
        int resample,
        boolean doCenterCrop,
        CropSize cropSize,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        double[] imageMean,
        double[] imageStd,
        boolean doConvertRgb) {

    /** OpenAI CLIP's per-channel mean. */
    public static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};

    /** OpenAI CLIP's per-channel standard deviation. */
    public static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /** The defaults, used when a model folder has no {@code preprocessor_config.json}. */
    public static final ClipImageProcessorConfig DEFAULT = new ClipImageProcessorConfig(true,
            Size.shortestEdge(224), 3, true, new CropSize(224, 224), true, 1.0 / 255, true,
            OPENAI_CLIP_MEAN, OPENAI_CLIP_STD, true);

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClipImageProcessorConfig {
        PillowResize.Filter.fromPil(resample);
        if (!Double.isFinite(rescaleFactor)) {
            throw new IllegalArgumentException("rescale_factor must be a finite number, got " + rescaleFactor);
        }
        imageMean = checkChannels("image_mean", imageMean, false);
        imageStd = checkChannels("image_std", imageStd, true);
    }

    /**
     * The resize target: either {@code shortestEdge} (aspect ratio kept; the long edge becomes
     * {@code (int) (shortestEdge * long / short)}) or a fixed {@code height} and {@code width}; unused fields are 0.
     */
    public record Size(int shortestEdge, int height, int width) {

        public Size {
            if (shortestEdge > 0 == (height > 0 || width > 0)) {
                throw new IllegalArgumentException("size needs either shortest_edge or height and width, got "
                        + this);
            }
            if (shortestEdge == 0 && (height < 1 || width < 1)) {
                throw new IllegalArgumentException("size height and width must be positive, got " + height + "x"
                        + width);
            }
        }

        public static Size shortestEdge(int edge) {
            return new Size(edge, 0, 0);
        }

        public static Size fixed(int height, int width) {
            return new Size(0, height, width);
        }

        public boolean isShortestEdge() {
            return shortestEdge > 0;
        }

        /**
         * Returns the resized {@code {height, width}} of an image, as Hugging Face's
         * {@code get_resize_output_image_size} computes it.
         */
        public int[] outputSize(int imageHeight, int imageWidth) {
            if (!isShortestEdge()) {
                return new int[] {height, width};
            }
            int shortSide = Math.min(imageHeight, imageWidth);
            int longSide = Math.max(imageHeight, imageWidth);
            // Python: int(requested_new_short * long / short), a true division in double, then truncation.
            int newLong = (int) ((double) shortestEdge * longSide / shortSide);
            return imageWidth <= imageHeight
                    ? new int[] {newLong, shortestEdge}
                    : new int[] {shortestEdge, newLong};
        }
    }

    /** The center crop's height and width. */
    public record CropSize(int height, int width) {

        public CropSize {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("crop_size must be positive, got " + height + "x" + width);
            }
        }
    }

    /** Returns the resampling filter. */
    public PillowResize.Filter filter() {
        return PillowResize.Filter.fromPil(resample);
    }

    /**
     * Reads {@code preprocessor_config.json} from a file, or from a model folder; a folder without one gives
     * {@link #DEFAULT}.
     */
    public static ClipImageProcessorConfig load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("preprocessor_config.json") : path;
        if (Files.isDirectory(path) && !Files.exists(file)) {
            return DEFAULT;
        }
        try {
            return parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the JSON text of a {@code preprocessor_config.json}. */
    public static ClipImageProcessorConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("preprocessor config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("preprocessor config must be a JSON object");
        }
        ClipImageProcessorConfig d = DEFAULT;
        return new ClipImageProcessorConfig(
                bool(root, "do_resize", d.doResize()),
                size(root.get("size"), d.size()),
                integer(root, "resample", d.resample()),
                bool(root, "do_center_crop", d.doCenterCrop()),
                cropSize(root.get("crop_size"), d.cropSize()),
                bool(root, "do_rescale", d.doRescale()),
                number(root, "rescale_factor", d.rescaleFactor()),
                bool(root, "do_normalize", d.doNormalize()),
                channels(root, "image_mean", d.imageMean()),
                channels(root, "image_std", d.imageStd()),
                bool(root, "do_convert_rgb", d.doConvertRgb()));
    }

    /** Returns the JSON form, with dict-form sizes, as Hugging Face writes it. */
    public String toJson() {
        var root = JSON.createObjectNode();
        root.put("do_resize", doResize);
        var sizeNode = root.putObject("size");
        if (size.isShortestEdge()) {
            sizeNode.put("shortest_edge", size.shortestEdge());
        } else {
            sizeNode.put("height", size.height()).put("width", size.width());
        }
        root.put("resample", resample);
        root.put("do_center_crop", doCenterCrop);
        root.putObject("crop_size").put("height", cropSize.height()).put("width", cropSize.width());
        root.put("do_rescale", doRescale);
        root.put("rescale_factor", rescaleFactor);
        root.put("do_normalize", doNormalize);
        var mean = root.putArray("image_mean");
        var std = root.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            mean.add(imageMean[c]);
            std.add(imageStd[c]);
        }
        root.put("do_convert_rgb", doConvertRgb);
        root.put("image_processor_type", "CLIPImageProcessor");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- parsing helpers: every error names the field ---------------------------------------------------------

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static boolean bool(JsonNode root, String field, boolean fallback) {
        JsonNode node = root.get(field);
        if (!present(node)) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    private static int integer(JsonNode root, String field, int fallback) {
        JsonNode node = root.get(field);
        return present(node) ? positiveOrZeroInt(field, node) : fallback;
    }

    private static int positiveOrZeroInt(String field, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative integer, got " + node);
        }
        return node.intValue();
    }

    private static int positiveInt(String field, JsonNode node) {
        if (!present(node) || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            throw new IllegalArgumentException(field + " must be a positive integer, got " + node);
        }
        return node.intValue();
    }

    private static double number(JsonNode root, String field, double fallback) {
        JsonNode node = root.get(field);
        if (!present(node)) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, got " + node);
        }
        return node.doubleValue();
    }

    private static double[] channels(JsonNode root, String field, double[] fallback) {
        JsonNode node = root.get(field);
        if (!present(node)) {
            return fallback;
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            return new double[] {value, value, value};
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(field + " must be a number or a list of 3 numbers, got " + node);
        }
        double[] values = new double[node.size()];
        for (int i = 0; i < values.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new IllegalArgumentException(field + " must hold numbers, got " + node);
            }
            values[i] = node.get(i).doubleValue();
        }
        return values;
    }

    private static double[] checkChannels(String field, double[] values, boolean nonZero) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(field + " must have 3 values (R, G, B), got "
                    + (values == null ? "none" : values.length));
        }
        for (double value : values) {
            if (!Double.isFinite(value) || (nonZero && value == 0.0)) {
                throw new IllegalArgumentException(field + " values must be finite" + (nonZero ? " and non-zero" : "")
                        + ", got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    private static Size size(JsonNode node, Size fallback) {
        if (!present(node)) {
            return fallback;
        }
        if (node.isIntegralNumber()) {
            return Size.shortestEdge(positiveInt("size", node));
        }
        if (node.isArray()) {
            int[] hw = pair("size", node);
            return Size.fixed(hw[0], hw[1]);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("size must be an integer, [height, width] or an object, got " + node);
        }
        Set<String> keys = keys(node);
        if (keys.equals(Set.of("shortest_edge")) || keys.equals(Set.of("shortest_edge", "longest_edge"))) {
            return Size.shortestEdge(positiveInt("size.shortest_edge", node.get("shortest_edge")));
        }
        if (keys.equals(Set.of("height", "width"))) {
            return Size.fixed(positiveInt("size.height", node.get("height")),
                    positiveInt("size.width", node.get("width")));
        }
        throw new IllegalArgumentException("size must have the keys {shortest_edge} or {height, width}, got "
                + keys);
    }

    private static CropSize cropSize(JsonNode node, CropSize fallback) {
        if (!present(node)) {
            return fallback;
        }
        if (node.isIntegralNumber()) {
            int side = positiveInt("crop_size", node);
            return new CropSize(side, side);
        }
        if (node.isArray()) {
            int[] hw = pair("crop_size", node);
            return new CropSize(hw[0], hw[1]);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "crop_size must be an integer, [height, width] or an object, got " + node);
        }
        Set<String> keys = keys(node);
        if (!keys.equals(Set.of("height", "width"))) {
            throw new IllegalArgumentException("crop_size must have the keys {height, width}, got " + keys);
        }
        return new CropSize(positiveInt("crop_size.height", node.get("height")),
                positiveInt("crop_size.width", node.get("width")));
    }

    private static int[] pair(String field, JsonNode node) {
        if (node.size() != 2) {
            throw new IllegalArgumentException(field + " as a list must be [height, width], got " + node);
        }
        return new int[] {positiveInt(field + "[0]", node.get(0)), positiveInt(field + "[1]", node.get(1))};
    }

    /** Returns the keys whose value is not null, the set that Hugging Face's size-dict validation checks. */
    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (present(node.get(key))) {
                keys.add(key);
            }
        }
        return keys;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClipImageProcessorConfig o && doResize == o.doResize && size.equals(o.size)
                && resample == o.resample && doCenterCrop == o.doCenterCrop && cropSize.equals(o.cropSize)
                && doRescale == o.doRescale && Double.compare(rescaleFactor, o.rescaleFactor) == 0
                && doNormalize == o.doNormalize && Arrays.equals(imageMean, o.imageMean)
                && Arrays.equals(imageStd, o.imageStd) && doConvertRgb == o.doConvertRgb;
    }

    @Override
    public int hashCode() {
        return Objects.hash(doResize, size, resample, doCenterCrop, cropSize, doRescale, rescaleFactor,
                doNormalize, Arrays.hashCode(imageMean), Arrays.hashCode(imageStd),
                doConvertRgb);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("do_resize=" + doResize);
        parts.add("size=" + (size.isShortestEdge() ? "shortest_edge " + size.shortestEdge()
                : size.height() + "x" + size.width()));
        parts.add("resample=" + resample);
        parts.add("do_center_crop=" + doCenterCrop);
        parts.add("crop_size=" + cropSize.height() + "x" + cropSize.width());
        parts.add("do_rescale=" + doRescale);
        parts.add(String.format(Locale.ROOT, "rescale_factor=%s", rescaleFactor));
        parts.add("do_normalize=" + doNormalize);
        parts.add("image_mean=" + Arrays.toString(imageMean));
        parts.add("image_std=" + Arrays.toString(imageStd));
        parts.add("do_convert_rgb=" + doConvertRgb);
        return "ClipImageProcessorConfig[" + String.join(", ", parts) + "]";
    }
}
