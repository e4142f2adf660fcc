package org.gse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gse.decode.DecodeLimits;
import org.gse.decode.StickerDecoder;
import org.gse.index.StickerIndex;
import org.gse.model.Encoder;
import org.gse.model.EncoderFactory;
import org.gse.serve.ServeConfig;
import org.gse.serve.StickerServer;
import org.gse.serve.StickerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gse serve}: the HTTP API and web page for similarity and search. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the JSON API (/v1/embed, /v1/similarity, /v1/search, /v1/index) and a web page on"
                + " which to drop stickers and see their neighbours.",
                "Writes need a bearer token from the GSE_SERVE_TOKEN environment variable or --token-file."})
public final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    /** Environment variable that contains the write token. */
    public static final String TOKEN_VARIABLE = "GSE_SERVE_TOKEN";

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", paramLabel = "PATH",
            description = "The model to embed with (default: the bundled model in models/default).")
    Path model;

    @Option(names = "--index", paramLabel = "DIR",
            description = "Index folder to search and add to; created when absent. Without it, only embedding and"
                    + " similarity work.")
    Path index;

    @Option(names = "--files", paramLabel = "DIR",
            description = "Folder for stickers added through the API (default: DIR-files beside the index).")
    Path files;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Cosine at or above which two stickers count as similar, for example the threshold in"
                    + " gse eval's report.json (default: the threshold in a model bundle's gse.json). Without either,"
                    + " /v1/similarity returns the score and no decision.")
    Double threshold;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File whose first line is the bearer token for writes (instead of " + TOKEN_VARIABLE + ").")
    Path tokenFile;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "16",
            description = "Largest request body, in MiB (default: ${DEFAULT-VALUE}); larger uploads get 413."
                    + " It also caps --max-file-mb.")
    long maxUploadMb;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Time allowed for one request's work, in seconds (default: ${DEFAULT-VALUE})."
                    + " It also caps --decode-timeout.")
    long requestTimeoutSeconds;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Requests decoded and embedded at the same time (default: the number of cores).")
    Integer concurrency;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "Requests that may wait for a worker; beyond that 503 with Retry-After"
                    + " (default: ${DEFAULT-VALUE}).")
    int queue;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Spec
    CommandSpec spec;

    private final EncoderFactory opener;
    private final Consumer<StickerServer> onStart;

    public ServeCommand() {
        this(CommandServices.encoderFactory(), server -> { });
    }

    /** Creates the command with an encoder factory and a callback that receives the started server (for tests). */
    public ServeCommand(EncoderFactory opener, Consumer<StickerServer> onStart) {
        this.opener = opener;
        this.onStart = onStart;
    }

    @Override
    public Integer call() throws Exception {
        if (maxUploadMb < 1 || requestTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--max-upload-mb and --request-timeout must be at least 1, got "
                    + maxUploadMb + " and " + requestTimeoutSeconds);
        }
        if (model == null) {
            model = DefaultModel.require();
        }
        if (threshold == null) {
            OptionalDouble card = DefaultModel.cardThreshold(model);
            if (card.isPresent()) {
                threshold = card.getAsDouble();
                log.info("Using the threshold {} from the model card of {}", threshold, model);
            }
        }
        // An upload never exceeds the upload limit, and decoding gets no more time than the whole request.
        long maxUpload = maxUploadMb << 20;
        DecodeLimits options = limitOptions.toLimits();
        Duration decodeTime = options.maxDecodeTime().compareTo(Duration.ofSeconds(requestTimeoutSeconds)) < 0
                ? options.maxDecodeTime() : Duration.ofSeconds(requestTimeoutSeconds);
        DecodeLimits limits = new DecodeLimits(Math.min(options.maxFileBytes(), maxUpload),
                options.maxPixelsPerFrame(), options.maxFrames(), options.maxTotalDecodedBytes(), decodeTime,
                options.maxRendererMemoryBytes());
        // The index stores each added sticker's path, so the folder must not depend on the working directory.
        Path filesFolder = (files != null ? files : index != null
                ? index.toAbsolutePath().resolveSibling(index.getFileName() + "-files") : Path.of("gse-files"))
                .toAbsolutePath();
        ServeConfig defaults = ServeConfig.defaults(filesFolder);
        ServeConfig config = new ServeConfig(host, port, maxUpload, limits, Duration.ofSeconds(requestTimeoutSeconds),
                concurrency != null ? concurrency : defaults.maxConcurrent(), queue, threshold, readToken(),
                filesFolder, defaults.defaultK(), defaults.maxK(), defaults.shutdownTimeout());
        if (!isLoopback(host)) {
            log.warn("Listening on {}, which is not a loopback address: other machines can reach this server", host);
        }

        // The shutdown hook (Ctrl-C, SIGTERM) stops the server, which ends join() below, then waits until the
        // index and the encoder are closed, so the index's write lock is released before the JVM exits.
        CountDownLatch closed = new CountDownLatch(1);
        try (Encoder encoder = opener.open(model);
                StickerIndex stickerIndex = index == null ? null
                        : StickerIndex.openForWriting(index, encoder.modelId(), encoder.embeddingSize())) {
            StickerServer server = new StickerServer(new StickerService(encoder, StickerDecoder.withAllFormats(limits),
                    stickerIndex, filesFolder), config);
            Thread hook = new Thread(() -> stopAndWait(server, closed, config), "gse-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                server.start();
                spec.commandLine().getErr().println("gse serve: listening on " + server.uri() + " (Ctrl-C stops it)");
                spec.commandLine().getErr().flush();
                onStart.accept(server);
                server.join();
            } finally {
                server.close();
                removeHook(hook);
            }
        } finally {
            closed.countDown();
        }
        return Main.EXIT_OK;
    }

    private static void stopAndWait(StickerServer server, CountDownLatch closed, ServeConfig config) {
        try {
            server.close();
            if (!closed.await(config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                log.warn("The index and the model were not closed in time; exiting anyway");
            }
        } catch (IOException e) {
            log.error("Graceful shutdown failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook is running; it waits for this thread.
        }
    }

    private String readToken() throws IOException {
        if (tokenFile != null) {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--token-file " + tokenFile + " is empty; write the token on its"
                        + " first line");
            }
            return token;
        }
        String token = System.getenv(TOKEN_VARIABLE);
        if (token == null || token.isBlank()) {
            log.info("No write token set ({} or --token-file), so adding and removing stickers is disabled",
                    TOKEN_VARIABLE);
            return null;
        }
        return token.strip();
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
