package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.data.emoji.FakeRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code gse datasets build emoji} against a generated registry folder. */
class EmojiDatasetCommandTest {

    @TempDir
    Path work;

    @Test
    void buildsFromRegistryFolder() throws Exception {
        Path registry = work.resolve("registry");
        FakeRegistry.write(registry);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute("datasets", "build",
                "emoji", "--registry-dir", registry.toString(), "--cache", work.resolve("cache").toString(),
                "--out", work.resolve("corpus").toString(), "--size", "24", "--threads", "1");
        assertEquals(Main.EXIT_OK, status, err.toString());
        assertTrue(out.toString().contains("Built 41 emoji"), out.toString());
        assertTrue(out.toString().contains("pairs/test_heldout_style.csv"), out.toString());
        assertTrue(Files.isRegularFile(work.resolve("corpus/pairs/train.csv")));
    }

    @Test
    void unknownStyleIsUsageError() throws Exception {
        StringWriter err = new StringWriter();
        int status = Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute(
                "datasets", "build", "emoji", "--registry-dir", work.toString(), "--cache", work.resolve("c").toString(),
                "--out", work.resolve("o").toString(), "--held-out-style", "apple");
        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(err.toString().contains("unknown emoji style 'apple'"), err.toString());
    }
}
