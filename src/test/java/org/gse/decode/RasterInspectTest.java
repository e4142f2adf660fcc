package org.gse.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.gse.TestData;
import org.gse.cli.Main;
import org.junit.jupiter.api.Test;

/** {@code gse inspect --json} over every shared format case: each raster file reported, none crashing the walk. */
class RasterInspectTest {

    @Test
    void inspectReportsEveryRasterCase() throws Exception {
        Path cases = TestData.shared("format-cases");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("inspect", "--json", cases.toString());

        assertEquals(Main.EXIT_OK, status, "exit status; stderr: " + err);
        JsonNode results = new ObjectMapper().readTree(out.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode result : results) {
            byName.put(Path.of(result.get("file").asText()).getFileName().toString(), result);
        }

        for (JsonNode result : results) {
            String file = result.get("file").asText();
            String format = result.get("format").isNull() ? null : result.get("format").asText();
            if (format == null || format.equals("webp")) {
                continue;
            }
            boolean expectedFailure = file.endsWith("malformed-size.apng");
            assertEquals(expectedFailure, !result.get("error").isNull(), file + ": " + result.get("error"));
        }

        assertRow(byName.get("animated_loop.gif"), "gif", 4, true, false);
        assertRow(byName.get("static_transparent.gif"), "gif", 1, false, true);
        assertRow(byName.get("tRNS_alpha.apng"), "apng", 22, true, true);
        assertRow(byName.get("chunk_no_actl.png"), "png", 1, false, false);
        assertRow(byName.get("l_trns.png"), "png", 1, false, true);
        assertRow(byName.get("pil_sample_cmyk.jpg"), "jpeg", 1, false, false);
        JsonNode malformed = byName.get("malformed-size.apng");
        assertEquals("apng", malformed.get("format").asText());
        assertTrue(malformed.get("error").asText().contains("524288x2048"), malformed.toString());
    }

    private static void assertRow(JsonNode row, String format, int frames, boolean animated, boolean alpha) {
        assertNotNull(row, format + " row missing");
        String what = row.get("file").asText();
        assertEquals(format, row.get("format").asText(), what);
        assertEquals(frames, row.get("frames").asInt(), what);
        assertEquals(animated, row.get("animated").asBoolean(), what);
        assertEquals(alpha, row.get("has_alpha").asBoolean(), what);
        assertNull(row.get("error").isNull() ? null : row.get("error").asText(), what);
        assertFalse(row.get("width").isNull(), what);
    }
}
