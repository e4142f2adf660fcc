package org.gse.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.nio.file.Path;
import org.gse.testing.PixelEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Start and stop of a real {@link StickerServer} on a loopback port, checked through its log lines. */
class StickerServerLifecycleTest {

    @TempDir
    Path folder;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger logger;
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        logger = (Logger) LoggerFactory.getLogger(StickerServer.class);
        previousLevel = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
    }

    private List<String> messages(String prefix) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(prefix))
                .toList();
    }

    @Test
    void closeTwiceLogsOneStop() throws Exception {
        ServerFixture fixture = ServerFixture.start(PixelEncoder.withText(), folder);
        int port = fixture.base.getPort();
        assertTrue(port > 0, "bound port " + port);
        assertEquals(200, fixture.get("/healthz").statusCode());

        fixture.server.close();
        fixture.server.close();
        fixture.close();

        List<String> stopping = messages("Stopping the server");
        List<String> stopped = messages("Stopped the server");
        assertEquals(1, stopping.size(), stopping.toString());
        assertEquals(1, stopped.size(), stopped.toString());
        String address = "http://127.0.0.1:" + port;
        assertTrue(stopping.getFirst().contains(address + ";"), stopping.getFirst());
        assertTrue(stopped.getFirst().contains(address + " in "), stopped.getFirst());
        assertEquals(port, fixture.server.uri().getPort());
    }

    @Test
    void concurrentClosesStopOnce() throws Exception {
        ServerFixture fixture = ServerFixture.start(PixelEncoder.withText(), folder);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            // The shutdown hook of gse serve and its own close can run at the same time.
            Future<?> first = threads.submit(() -> {
                go.await();
                fixture.server.close();
                return null;
            });
            Future<?> second = threads.submit(() -> {
                go.await();
                fixture.server.close();
                return null;
            });
            go.countDown();
            first.get();
            second.get();
        } finally {
            threads.shutdownNow();
            fixture.close();
        }

        assertEquals(1, messages("Stopping the server").size());
        assertEquals(1, messages("Stopped the server").size());
    }

    @Test
    void startLogsSummaryWithoutToken() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(PixelEncoder.withText(), folder)) {
            List<String> serving = messages("Serving on");
            assertEquals(1, serving.size(), serving.toString());
            String line = serving.getFirst();
            assertTrue(line.startsWith("Serving on " + fixture.base + ": "), line);
            assertTrue(line.contains("model " + fixture.index.modelId()), line);
            assertTrue(line.contains("index " + folder.resolve("index")), line);
            assertTrue(line.contains("uploads up to 16 MiB"), line);
            assertTrue(line.contains("writes need the bearer token"), line);
            assertFalse(line.contains(ServerFixture.TOKEN), line);
            assertFalse(line.contains("ServeConfig["), line);
            assertFalse(line.contains("\n"), line);
        }
    }

    @Test
    void summaryWithoutTokenOrIndex() {
        ServeConfig config = ServeConfig.defaults(folder.resolve("files"));
        StickerService service = new StickerService(PixelEncoder.withText(), null, null, config.filesFolder());
        String summary = StickerServer.summary(config, service);
        assertTrue(summary.contains("index none"), summary);
        assertTrue(summary.contains("writes disabled (no token)"), summary);
    }
}
