package org.gse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.data.emoji.EmojiCorpusBuilder;
import org.gse.data.emoji.EmojiCorpusLayout;
import org.gse.data.emoji.EmojiStyle;
import org.gse.data.emoji.NpmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse datasets build emoji}: builds the open emoji sticker corpus from the npm registry. */
@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = {"Build the open emoji sticker corpus: the same emoji in four art styles (Noto, Twemoji,"
                + " OpenMoji, Fluent 3D) from the npm registry, with English and Chinese CLDR queries, emotion"
                + " classes and Triple-S-format pair lists split by emoji.",
                "Tarballs are verified against their published sha512 integrity and cached, so later builds run"
                        + " offline."})
public final class EmojiDatasetCommand implements Callable<Integer> {

    /** Returns the default cache root, {@code ~/.cache/gse}. */
    static Path cacheRoot() {
        return Path.of(System.getProperty("user.home"), ".cache", "gse");
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder, replaced as a whole when the build succeeds (default: ~/.cache/gse/data/emoji).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache of npm metadata and tarballs (default: ~/.cache/gse/npm).")
    Path cache;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "128",
            description = "Side of the square output images, in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--max-emoji", paramLabel = "N", defaultValue = "1500",
            description = "Largest number of emoji kept (default: ${DEFAULT-VALUE}).")
    int maxEmoji;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the emoji sample, the splits and the pairs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--held-out-style", paramLabel = "STYLE", defaultValue = "openmoji",
            description = "Style kept out of training and validation: noto, twemoji, openmoji or fluent-3d"
                    + " (default: ${DEFAULT-VALUE}).")
    String heldOut;

    @Option(names = "--registry", paramLabel = "URL",
            description = "npm registry address, https: or file: (default: https://registry.npmjs.org/).")
    URI registry;

    @Option(names = "--registry-dir", paramLabel = "DIR",
            description = "A folder laid out like the registry (NAME/VERSION metadata, NAME/-/FILE.tgz tarballs);"
                    + " used instead of --registry.")
    Path registryDir;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads that normalise images (default: the number of processors).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (registry != null && registryDir != null) {
            throw new IllegalArgumentException("give either --registry or --registry-dir, not both");
        }
        Path cacheDir = cache != null ? cache : cacheRoot().resolve("npm");
        Path outDir = out != null ? out : EmojiCorpusLayout.defaultLocation().root();
        NpmRegistry npm = registryDir != null ? NpmRegistry.ofFolder(registryDir, cacheDir)
                : new NpmRegistry(registry != null ? registry : NpmRegistry.DEFAULT_REGISTRY, cacheDir);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        EmojiCorpusBuilder.Result result = new EmojiCorpusBuilder(npm).build(new EmojiCorpusBuilder.Options(
                outDir, size, maxEmoji, seed, EmojiStyle.byId(heldOut), workers));

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "Built %d emoji, %d stickers, %.1f MB in %.0f s: %s%n", result.emoji(),
                result.stickers(), result.bytes() / 1e6, result.seconds(), result.out());
        result.pairs().forEach((name, counts) -> stdout.printf(Locale.ROOT,
                "  pairs/%s.csv: %d pairs (%d similar, %d dissimilar, %d hard)%n", name, counts.pairs(),
                counts.positives(), counts.negatives(), counts.hardNegatives()));
        stdout.flush();
        return Main.EXIT_OK;
    }
}
