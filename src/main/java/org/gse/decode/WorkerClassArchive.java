package org.gse.decode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing (CDS) archive of the TGS worker's classes, which roughly halves the worker JVM's start-up:
 * most of it is spent linking the FFM downcalls, whose generated classes the archive keeps.
 *
 * <p>The first worker a gse process starts writes the archive at exit ({@code -XX:ArchiveClassesAtExit}) into a
 * temporary file that is renamed into place only after a clean exit, so a crashed or concurrent dump never leaves a
 * broken archive. Later workers map it ({@code -XX:SharedArchiveFile}); the JVM ignores an archive that does not
 * match it. The archive lives in {@code $XDG_CACHE_HOME/gse} (else {@code ~/.cache/gse}) under a name derived from
 * the JDK and the gse jar, so an upgrade makes a new one (about 2 MB each; old ones can be deleted). CDS needs the
 * class path to be a jar, so runs from a classes folder (the tests) go without. {@code -Dgse.tgs.worker.cds=false}
 * turns it off.
 */
final class WorkerClassArchive {

    private static final Logger log = LoggerFactory.getLogger(WorkerClassArchive.class);
    private static final Object LOCK = new Object();
    private static boolean dumpStarted;

    private WorkerClassArchive() {}

    /** JVM options for one worker run, and the clean-up after it. */
    static final class Plan {
        static final Plan NONE = new Plan(List.of(), null, null);

        private final List<String> options;
        private final Path dumpTarget;
        private final Path archive;
        private boolean finished;

        private Plan(List<String> options, Path dumpTarget, Path archive) {
            this.options = options;
            this.dumpTarget = dumpTarget;
            this.archive = archive;
        }

        List<String> options() {
            return options;
        }

        /** After the worker has exited: keeps a dumped archive when the worker succeeded, else deletes it. */
        synchronized void finish(boolean workerSucceeded) {
            if (finished || dumpTarget == null) {
                return;
            }
            finished = true;
            try {
                if (workerSucceeded && Files.isRegularFile(dumpTarget) && Files.size(dumpTarget) > 0) {
                    Files.move(dumpTarget, archive, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    log.debug("Wrote the TGS worker class archive {}", archive);
                }
            } catch (IOException e) {
                log.debug("Cannot keep the TGS worker class archive {}", archive, e);
            } finally {
                try {
                    Files.deleteIfExists(dumpTarget);
                } catch (IOException e) {
                    log.debug("Cannot delete {}", dumpTarget, e);
                }
            }
        }
    }

    /** Returns the options for a worker started with this class path. */
    static Plan plan(String classPath) {
        if (!Boolean.parseBoolean(System.getProperty("gse.tgs.worker.cds", "true"))
                || classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Plan.NONE;
        }
        try {
            Path jar = Path.of(classPath).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                return Plan.NONE;
            }
            Path dir = cacheDir();
            if (dir == null) {
                return Plan.NONE;
            }
            String identity = System.getProperty("java.home") + "\n" + Runtime.version() + "\n" + jar + "\n"
                    + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis();
            Path archive = dir.resolve("tgs-worker-" + hash(identity) + ".jsa");
            if (Files.isRegularFile(archive)) {
                return new Plan(List.of("-XX:SharedArchiveFile=" + archive), null, archive);
            }
            synchronized (LOCK) {
                if (dumpStarted) {
                    return Plan.NONE;
                }
                dumpStarted = true;
            }
            Path temporary = dir.resolve(archive.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime());
            return new Plan(List.of("-XX:ArchiveClassesAtExit=" + temporary), temporary, archive);
        } catch (IOException | RuntimeException e) {
            log.debug("No class archive for the TGS worker", e);
            return Plan.NONE;
        }
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = base.resolve("gse");
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
