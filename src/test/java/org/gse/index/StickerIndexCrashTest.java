package org.gse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StickerIndexCrashTest {

    @TempDir
    Path folder;

    @Test
    void killDuringAddKeepsCommits() throws Exception {
        // 1. Start a writer process and let it commit a few batches
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                IndexCrashWriter.class.getName(), folder.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        AtomicInteger lastCommitted = new AtomicInteger(-1);
        AtomicInteger lastStarted = new AtomicInteger(-1);
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("committed ")) {
                        lastCommitted.set(Integer.parseInt(line.substring("committed ".length())));
                    } else if (line.startsWith("adding ")) {
                        lastStarted.set(Integer.parseInt(line.substring("adding ".length())));
                    }
                }
            } catch (IOException e) {
                // The kill closes the pipe; commits read so far are what the test relies on.
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Wait until batch 5 has started, so the kill lands inside an add.
        while (lastStarted.get() < 5 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        // 2. Kill it while it is inside the next add, without any shutdown
        int reportedBeforeKill = lastCommitted.get();
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child process did not stop");
        reader.join(10_000);
        int committed = Math.max(reportedBeforeKill, lastCommitted.get());
        assertTrue(committed >= 4, "child reported only " + (committed + 1) + " commits");

        // 3. The index is consistent and holds every reported commit
        try (Directory directory = FSDirectory.open(folder); CheckIndex check = new CheckIndex(directory)) {
            CheckIndex.Status status = check.checkIndex();
            assertTrue(status.clean, "CheckIndex found problems after the kill");
        }
        try (StickerIndex index = StickerIndex.openForReading(folder)) {
            int reported = (committed + 1) * IndexCrashWriter.BATCH;
            assertTrue(index.size() >= reported, "index holds " + index.size() + " stickers, but "
                    + reported + " were committed before the kill");
            assertEquals(0, index.size() % IndexCrashWriter.BATCH, "a partial batch is visible: " + index.size());
            for (int i = 0; i < reported; i += 97) {
                assertTrue(index.get(StickerIndexTest.sha(i)).isPresent(), "committed sticker " + i + " is missing");
            }
        }
        try (StickerIndex writer = StickerIndex.openForWriting(folder, "crash-model", IndexCrashWriter.DIM)) {
            assertTrue(writer.size() >= (committed + 1) * IndexCrashWriter.BATCH, "a new writer can open it");
        }
    }
}
