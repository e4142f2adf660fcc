package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gse model info} on paths that are not model bundles. */
class ModelCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static Run gse(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void infoOnMissingPathSaysNotFound() {
        Path missing = dir.resolve("no-such-model");
        Run run = gse("model", "info", missing.toString());

        assertEquals(Main.EXIT_ERROR, run.exit(), "a missing input, as in gse embed: " + run.err());
        assertTrue(run.err().contains(missing.toString()), run.err());
        assertTrue(run.err().contains("not found"), run.err());
        assertTrue(run.err().contains("check the path"), run.err());
        assertFalse(run.err().contains("gse.json"), run.err());
    }

    @Test
    void infoOnMissingPathExitsLikeEmbed() {
        Path missing = dir.resolve("no-such-input");
        Run info = gse("model", "info", missing.toString());
        Run embed = gse("embed", "--out", dir.resolve("out").toString(), missing.toString());

        assertEquals(embed.exit(), info.exit(), info.err() + " / " + embed.err());
    }

    @Test
    void infoOnFolderWithoutCardNamesTheCard() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plain-folder"));
        Run run = gse("model", "info", folder.toString());

        assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
        assertTrue(run.err().contains(folder.toString()), run.err());
        assertTrue(run.err().contains("no gse.json"), run.err());
    }
}
