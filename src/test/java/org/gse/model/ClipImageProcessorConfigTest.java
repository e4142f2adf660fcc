package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClipImageProcessorConfigTest {

    /** {@code openai/clip-vit-base-patch32}'s file: the older int forms and a feature extractor type. */
    private static final String OPENAI_B32 = """
            {
              "crop_size": 224,
              "do_center_crop": true,
              "do_normalize": true,
              "do_resize": true,
              "feature_extractor_type": "CLIPFeatureExtractor",
              "image_mean": [0.48145466, 0.4578275, 0.40821073],
              "image_std": [0.26862954, 0.26130258, 0.27577711],
              "resample": 3,
              "size": 224
            }""";

    /** The dict forms that current transformers versions write. */
    private static final String DICT_FORMS = """
            {
              "crop_size": {"height": 224, "width": 224},
              "do_center_crop": true,
              "do_convert_rgb": true,
              "do_normalize": true,
              "do_rescale": true,
              "do_resize": true,
              "image_mean": [0.48145466, 0.4578275, 0.40821073],
              "image_processor_type": "CLIPImageProcessor",
              "image_std": [0.26862954, 0.26130258, 0.27577711],
              "resample": 3,
              "rescale_factor": 0.00392156862745098,
              "size": {"shortest_edge": 224}
            }""";

    @Test
    void intAndDictFormsGiveTheDefaults() {
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.parse(OPENAI_B32));
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.parse(DICT_FORMS));
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.parse("{}"));
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.parse("{\"size\": null}"));
        assertEquals(1.0 / 255, ClipImageProcessorConfig.DEFAULT.rescaleFactor(), 0.0);
    }

    @Test
    void otherForms() {
        ClipImageProcessorConfig config = ClipImageProcessorConfig.parse("""
                {"size": {"height": 50, "width": 20}, "crop_size": [16, 40], "image_mean": 0.5,
                 "image_std": [1, 2, 3], "do_rescale": false, "resample": 2}""");
        assertFalse(config.size().isShortestEdge());
        assertArrayEquals(new int[] {50, 20}, config.size().outputSize(1, 1000));
        assertEquals(new ClipImageProcessorConfig.CropSize(16, 40), config.cropSize());
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, config.imageMean());
        assertArrayEquals(new double[] {1, 2, 3}, config.imageStd());
        assertFalse(config.doRescale());
        assertEquals(PillowResize.Filter.BILINEAR, config.filter());

        ClipImageProcessorConfig list = ClipImageProcessorConfig.parse("{\"size\": [20, 50]}");
        assertEquals(ClipImageProcessorConfig.Size.fixed(20, 50), list.size());
        // A longest_edge beside shortest_edge is accepted and, as in CLIPImageProcessor.resize, ignored.
        assertEquals(ClipImageProcessorConfig.Size.shortestEdge(64), ClipImageProcessorConfig.parse(
                "{\"size\": {\"shortest_edge\": 64, \"longest_edge\": 100}}").size());
    }

    @Test
    void shortestEdgeRoundsLikePython() {
        ClipImageProcessorConfig.Size size = ClipImageProcessorConfig.Size.shortestEdge(64);
        // int(64 * 53 / 37) = int(91.67) = 91; the short side is the width, so (height, width) = (91, 64).
        assertArrayEquals(new int[] {91, 64}, size.outputSize(53, 37));
        assertArrayEquals(new int[] {64, 96}, size.outputSize(200, 300));
        assertArrayEquals(new int[] {64, 64}, size.outputSize(20, 20));
        // int(224 * 333 / 250) = int(298.368) = 298, wide image.
        assertArrayEquals(new int[] {224, 298}, ClipImageProcessorConfig.Size.shortestEdge(224)
                .outputSize(250, 333));
        // Upscaling an extreme aspect ratio: int(64 * 90 / 9) = 640.
        assertArrayEquals(new int[] {64, 640}, size.outputSize(9, 90));
    }

    @Test
    void toJsonRoundTrips() {
        ClipImageProcessorConfig config = ClipImageProcessorConfig.parse("""
                {"size": {"height": 50, "width": 20}, "crop_size": [16, 40], "image_mean": 0.5,
                 "do_normalize": false, "resample": 1, "rescale_factor": 0.25}""");
        assertEquals(config, ClipImageProcessorConfig.parse(config.toJson()));
        assertEquals(ClipImageProcessorConfig.DEFAULT,
                ClipImageProcessorConfig.parse(ClipImageProcessorConfig.DEFAULT.toJson()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"size": "224"}                                  | size
            {"size": 0}                                      | size
            {"size": -3}                                     | size
            {"size": 22.5}                                   | size
            {"size": [224]}                                  | size
            {"size": {"shortest_edge": 0}}                   | size.shortest_edge
            {"size": {"shortest_edge": "224"}}               | size.shortest_edge
            {"size": {"height": 10}}                         | size
            {"size": {"longest_edge": 10}}                   | size
            {"size": {"height": 10, "width": -1}}            | size.width
            {"crop_size": {"shortest_edge": 224}}            | crop_size
            {"crop_size": 0}                                 | crop_size
            {"crop_size": true}                              | crop_size
            {"crop_size": {"height": 5, "width": 0}}         | crop_size.width
            {"crop_size": [5, 6, 7]}                         | crop_size
            {"resample": 0}                                  | resample
            {"resample": 6}                                  | resample
            {"resample": "bicubic"}                          | resample
            {"resample": -1}                                 | resample
            {"do_resize": "yes"}                             | do_resize
            {"do_center_crop": 1}                            | do_center_crop
            {"do_rescale": "false"}                          | do_rescale
            {"do_normalize": 0}                              | do_normalize
            {"do_convert_rgb": "true"}                       | do_convert_rgb
            {"rescale_factor": "1/255"}                      | rescale_factor
            {"image_mean": [0.5, 0.5]}                       | image_mean
            {"image_mean": "imagenet"}                       | image_mean
            {"image_mean": [0.5, "a", 0.5]}                  | image_mean
            {"image_std": [0.5, 0, 0.5]}                     | image_std
            {"image_std": 0}                                 | image_std
            """)
    void badValuesNameTheField(String json, String field) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipImageProcessorConfig.parse(json));
        assertTrue(e.getMessage().startsWith(field + " "), "message should start with '" + field + " ': "
                + e.getMessage());
    }

    @Test
    void malformedJson() {
        assertThrows(IllegalArgumentException.class, () -> ClipImageProcessorConfig.parse("{\"size\": "));
        assertThrows(IllegalArgumentException.class, () -> ClipImageProcessorConfig.parse("[1, 2]"));
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"crop_size\": -1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipImageProcessorConfig.load(dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("crop_size"), e.getMessage());
        Files.writeString(file, OPENAI_B32);
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.load(file));
        assertEquals(ClipImageProcessorConfig.DEFAULT, ClipImageProcessorConfig.load(dir));
    }
}
