package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.gse.TestData;
import org.gse.decode.StickerFormat;
import org.junit.jupiter.api.Test;

/** {@code gse bench decode} runs end to end and prints its table; the timings themselves are not checked. */
class BenchDecodeCommandTest {

    @Test
    void printsTableForWebm() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute("bench", "decode",
                "--repeat", "1", "--warmup", "1", "--ffmpeg", "none",
                TestData.resource("fixtures/media/vp9-alpha.webm").toString());

        assertEquals(Main.EXIT_OK, status, err::toString);
        String table = out.toString();
        assertTrue(table.contains("| format | files | frames | gse frames/s |"), table);
        assertTrue(table.contains("| webm | 1 | 45 |"), table);
        assertTrue(table.contains("ffmpeg comparison skipped"), table);
    }

    @Test
    void rejectsZeroRepeats() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute("bench", "decode",
                "--repeat", "0", TestData.resource("fixtures/media/vp9-alpha.webm").toString());
        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(err.toString().contains("--repeat"), err.toString());
    }

    @Test
    void picksLibvpxForWebm() {
        byte[] vp9 = "....V_VP9....".getBytes(StandardCharsets.ISO_8859_1);
        byte[] vp8 = "....V_VP8....".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("libvpx-vp9", BenchDecodeCommand.ffmpegDecoder(StickerFormat.WEBM, vp9));
        assertEquals("libvpx", BenchDecodeCommand.ffmpegDecoder(StickerFormat.WEBM, vp8));
        assertNull(BenchDecodeCommand.ffmpegDecoder(StickerFormat.WEBP, vp9));
    }

    @Test
    void ffmpegReasonKeepsErrorLines() {
        String stderr = "Input #0, webp_pipe\n[webp @ 0x55d0] skipping unsupported chunk: ANIM\n"
                + "[webp @ 0x55d0] image data not found\nbench: maxrss=52384kB\n";
        assertEquals("skipping unsupported chunk: ANIM; image data not found (exit status 1)",
                BenchDecodeCommand.ffmpegReason(stderr, 1));
    }
}
