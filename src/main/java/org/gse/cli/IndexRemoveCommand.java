package org.gse.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.index.IndexInfo;
import org.gse.index.StickerEntry;
import org.gse.index.StickerIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gse index remove}: removes stickers by the sha256 of their content, in one commit. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove stickers from an index by the sha256 of their file content, in one commit.")
public final class IndexRemoveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
    Path indexFolder;

    @Parameters(arity = "1..*", paramLabel = "SHA256",
            description = "SHA-256 of each sticker file to remove, 64 hexadecimal characters.")
    List<String> hashes;

    @Override
    public Integer call() throws IOException {
        List<String> keys = hashes.stream().map(hash -> hash.toLowerCase(Locale.ROOT)).toList();
        for (String key : keys) {
            if (!StickerEntry.isSha256(key)) {
                throw new IllegalArgumentException("invalid sha256 '" + key
                        + "'; expected 64 hexadecimal characters, as 'gse index search --json' prints them");
            }
        }
        IndexInfo info;
        try (StickerIndex reader = StickerIndex.openForReading(indexFolder)) {
            info = reader.info();
        }
        try (StickerIndex index = StickerIndex.openForWriting(indexFolder, info.modelId(), info.embeddingSize())) {
            int removed = index.remove(keys);
            spec.commandLine().getOut().printf(Locale.ROOT, "removed %d of %d stickers; index %s holds %d%n",
                    removed, keys.size(), indexFolder, index.size());
            spec.commandLine().getOut().flush();
            return removed == keys.size() ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
        }
    }
}
