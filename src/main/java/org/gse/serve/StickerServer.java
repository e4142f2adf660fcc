package org.gse.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server behind {@code gse serve}: Jetty 12 with core handlers (no servlets), chosen because it is
 * maintained, small (four jars), parses multipart bodies with size limits, and stops gracefully, letting running
 * requests finish while refusing new ones.
 *
 * <p>Jetty's default URI compliance rejects ambiguous request paths (an encoded slash or backslash, a dot segment
 * in encoded form, an empty segment) with a 400 before any handler runs; {@link JsonErrorHandler} writes those, and
 * the other errors Jetty sends itself, in the API's JSON error format.
 *
 * <p>Access lines go to the SLF4J logger {@code org.eclipse.jetty.server.RequestLog} in the extended NCSA format,
 * which has no request headers, so tokens are never logged.
 */
public final class StickerServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StickerServer.class);

    /** Jetty threads that read requests and write responses; the decoding work runs on a separate bounded pool. */
    private static final int MAX_HTTP_THREADS = 64;

    private final Server server;
    private final ApiHandler api;
    private final ServeConfig config;
    private final RouteMetrics metrics = new RouteMetrics();
    private final StickerService service;

    /** The address bound by {@link #start()}, kept because the connector reports no port once it has closed. */
    private volatile URI boundUri;

    /** Set by the first {@link #close()} and guarded by {@code this}. */
    private boolean closed;

    public StickerServer(StickerService service, ServeConfig config) {
        this.config = config;
        this.service = service;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_HTTP_THREADS, 4);
        threads.setName("gse-serve-http");
        server = new Server(threads);

        ServerConnector connector = new ServerConnector(server);
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.requestTimeout().toMillis());
        server.addConnector(connector);

        api = new ApiHandler(service, config, metrics);
        server.setHandler(new GracefulHandler(api));
        server.setErrorHandler(new JsonErrorHandler(new ObjectMapper()));
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        server.setStopAtShutdown(false);
        server.setRequestLog(new CustomRequestLog(new Slf4jRequestLogWriter(),
                CustomRequestLog.EXTENDED_NCSA_FORMAT + " %{ms}T ms"));
    }

    /** Starts listening; {@link #uri()} then returns the bound address. */
    public synchronized void start() throws Exception {
        server.start();
        boundUri = connectorUri();
        log.info("Serving on {}: {}", boundUri, summary(config, service));
    }

    /**
     * Returns one line with the settings an operator checks first: model, index folder, upload limit and whether
     * writes are allowed. It never contains the token.
     */
    static String summary(ServeConfig config, StickerService service) {
        Path indexFolder = service.indexFolder();
        String writes = config.token() == null ? "disabled (no token)" : "need the bearer token";
        return "model " + service.encoder().modelId()
                + ", index " + (indexFolder == null ? "none (search and writes unavailable)" : indexFolder)
                + ", files in " + config.filesFolder()
                + ", uploads up to " + size(config.maxUploadBytes())
                + ", writes " + writes;
    }

    private static String size(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /**
     * Returns the base address, with the port that was bound (useful with port 0). After {@link #start()} it is the
     * bound address, also once the server has stopped.
     */
    public URI uri() {
        URI bound = boundUri;
        return bound != null ? bound : connectorUri();
    }

    private URI connectorUri() {
        return address(((ServerConnector) server.getConnectors()[0]).getLocalPort());
    }

    private URI address(int port) {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port);
    }

    RouteMetrics metrics() {
        return metrics;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops gracefully: refuses new requests, waits up to the shutdown timeout for running ones, then stops the
     * worker pool.
     *
     * <p>Only the first call stops the server and logs. {@code gse serve} calls this from its shutdown hook and
     * again when {@link #join()} returns, so a later call waits for the first to finish. A caller that closes the
     * index next thus waits until running requests have finished or the shutdown timeout has passed.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;

        // Without a successful start there is no bound port, and a closed connector reports a negative one (-2),
        // so the configured port is logged instead.
        URI address = boundUri != null ? boundUri : address(config.port());
        long start = System.nanoTime();
        log.info("Stopping the server on {}; running requests get {} ms", address,
                config.shutdownTimeout().toMillis());
        try {
            server.stop();
            api.shutdown(config.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the server on " + address, e);
        } catch (Exception e) {
            throw new IOException("cannot stop the server on " + address + ": " + e.getMessage(), e);
        }
        log.info("Stopped the server on {} in {} ms", address, (System.nanoTime() - start) / 1_000_000);
    }
}
