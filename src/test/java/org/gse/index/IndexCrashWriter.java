package org.gse.index;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process for {@link StickerIndexCrashTest}: adds batches to an index in a loop, printing {@code adding N}
 * before each add and {@code committed N} after it returns, until the parent kills it.
 */
public final class IndexCrashWriter {

    static final int BATCH = 300;
    static final int DIM = 64;

    private IndexCrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        Random random = new Random(7);
        try (StickerIndex index = StickerIndex.openForWriting(folder, "crash-model", DIM)) {
            for (int batch = 0; batch < 100_000; batch++) {
                List<StickerEntry> entries = new ArrayList<>(BATCH);
                for (int j = 0; j < BATCH; j++) {
                    entries.add(StickerIndexTest.entry(batch * BATCH + j, StickerIndexTest.unit(random, DIM)));
                }
                System.out.println("adding " + batch);
                System.out.flush();
                index.add(entries);
                System.out.println("committed " + batch);
                System.out.flush();
            }
        }
    }
}
