package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/** Runs {@code gse inspect --json} on the WhatsApp packs and checks every WebP row. */
class InspectWebpTest {

    @Test
    void inspectJsonReportsWhatsappWebp() throws Exception {
        Path dir = TestData.shared("real-stickers/whatsapp");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("inspect", "--quiet", "--json", dir.toString());

        assertEquals(Main.EXIT_OK, status, err.toString());
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        int still = 0;
        int animated = 0;
        for (JsonNode row : rows) {
            String file = row.get("file").asText();
            if (!file.endsWith(".webp")) {
                continue;
            }
            assertEquals("webp", row.get("format").asText(), file);
            assertTrue(row.get("error").isNull(), file + ": " + row.get("error"));
            assertEquals(512, row.get("width").asInt(), file);
            assertEquals(512, row.get("height").asInt(), file);
            assertTrue(row.get("has_alpha").asBoolean(), file);
            if (file.contains("/1/")) {
                still++;
                assertEquals(1, row.get("frames").asInt(), file);
                assertEquals(0, row.get("duration_ms").asLong(), file);
                assertTrue(!row.get("animated").asBoolean(), file);
            } else {
                animated++;
                assertTrue(row.get("frames").asInt() > 1, file);
                assertTrue(row.get("duration_ms").asLong() > 0, file);
                assertTrue(row.get("animated").asBoolean(), file);
            }
        }
        assertEquals(25, still, "still stickers in pack 1");
        assertEquals(21, animated, "animated stickers in pack 2");
    }
}
