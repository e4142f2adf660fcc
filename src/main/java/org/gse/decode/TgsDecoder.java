package org.gse.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.gse.decode.TgsRenderWorker.TgsProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes Telegram animated stickers (TGS): gzip-compressed Lottie JSON, rendered with rlottie
 * ({@code librlottie0-1}).
 *
 * <p>Before anything native runs, the parent JVM checks the input: gunzip with a cap on the decompressed size (the
 * file-size limit, so a gzip bomb stops early), a full Jackson parse (invalid JSON stops here), and the declared
 * canvas {@code w x h}, frame rate {@code fr} and frame range {@code ip..op} against {@link DecodeBudget}.
 * Rendering then runs in a separate worker JVM ({@link TgsRenderWorker}, started with the same {@code java} binary
 * and the gse classes on its class path) that streams raw frames back on its standard output. The worker is
 * killed when the decode deadline ({@link DecodeLimits#maxDecodeTime()}) passes, and a worker that crashes or
 * exits early becomes a {@link DecodeException}: native rlottie code can hang on a crafted file, cannot be
 * interrupted, and takes its process down on a bad pointer.
 *
 * <p>Frames are rendered at the document's {@code w x h} (512x512 for Telegram stickers), frame numbers
 * {@code 0 .. op-ip-1} relative to {@code ip}. Frame {@code i} lasts
 * {@code round((i + 1) * 1000 / fr) - round(i * 1000 / fr)} ms, so 60 fps frames alternate 17 and 16 ms and add
 * up to the exact duration. rlottie's premultiplied pixels are converted to non-premultiplied ARGB.
 *
 * <p>The worker's writable memory (Java heap, native allocations such as rlottie's and the frame buffer, thread
 * stacks) is capped at {@link DecodeLimits#maxRendererMemoryBytes()} by starting it under util-linux {@code prlimit
 * --data}, the Linux {@code RLIMIT_DATA} (which counts private writable mappings since Linux 4.7). The address-space
 * limit {@code --as} would not do: the JVM reserves more than 1 GiB of address space (compressed class space) before
 * it runs any code. A worker that runs out of memory under the cap becomes a {@link DecodeException} naming the cap.
 *
 * <p>Each decode pays for one worker JVM start (roughly 0.1-0.3 s); {@code gse bench decode} measures it.
 */
public final class TgsDecoder implements FormatDecoder {

    private static final Logger log = LoggerFactory.getLogger(TgsDecoder.class);

    /** Highest Lottie frame rate accepted; Telegram uses 30 and 60. */
    static final double MAX_FRAME_RATE = TgsProtocol.MAX_FRAME_RATE;
    private static final int STDERR_KEEP_BYTES = 16 * 1024;
    private static volatile Optional<String> rendererProblem;
    private static volatile Optional<String> prlimit;
    /** Lines in the worker's standard error that show an allocation failed. */
    private static final List<String> OUT_OF_MEMORY_SIGNS = List.of("OutOfMemoryError", "std::bad_alloc",
            "insufficient memory", "Cannot allocate memory", "Not enough space", "errno=12");
    private static Rlottie inProcessRenderer;

    private final List<String> extraWorkerOptions;

    public TgsDecoder() {
        this(List.of());
    }

    /** For tests: extra JVM options for the worker, such as {@code -Dgse.tgs.worker.testHook=sleep}. */
    TgsDecoder(List<String> extraWorkerOptions) {
        this.extraWorkerOptions = List.copyOf(extraWorkerOptions);
    }

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        DecodeBudget budget = new DecodeBudget(source, StickerFormat.TGS, limits, deadline);
        byte[] json = gunzip(bytes, source, limits.maxFileBytes());
        LottieHeader header = LottieHeader.parse(json, source);
        int width = header.width();
        int height = header.height();
        budget.checkCanvas(width, height);
        long declaredFrames = header.frameCount();
        budget.checkDeclaredFrames(declaredFrames);
        long declaredBytes = declaredFrames * 4L * width * height;
        if (declaredBytes > limits.maxTotalDecodedBytes()) {
            throw fail(source, "declares " + declaredFrames + " frames of " + width + "x" + height + ", "
                    + declaredBytes + " decoded bytes, over the limit of " + limits.maxTotalDecodedBytes()
                    + " bytes on total decoded size");
        }
        budget.checkDeadline();
        return render(json, header, source, limits, budget, deadline);
    }

    /**
     * Renders a TGS file with rlottie inside this JVM: the same input checks, frame timing and pixel conversion as
     * {@link #decode}, but no worker process. For benchmarks on trusted files only (it measures what the worker
     * costs): a hostile file can hang or crash the calling JVM. Needs {@code --enable-native-access}.
     *
     * @throws IllegalStateException when librlottie is not installed
     */
    public static Sticker renderInProcess(byte[] bytes, Path source, DecodeLimits limits) throws Exception {
        DecodeBudget budget = new DecodeBudget(source, StickerFormat.TGS, limits,
                System.nanoTime() + limits.maxDecodeTime().toNanos());
        byte[] json = gunzip(bytes, source, limits.maxFileBytes());
        LottieHeader header = LottieHeader.parse(json, source);
        int width = header.width();
        int height = header.height();
        budget.checkCanvas(width, height);
        budget.checkDeclaredFrames(header.frameCount());
        List<Frame> frames = new ArrayList<>();
        double[] frameRate = new double[1];
        inProcessRenderer().render(json, width, height, info -> {
            budget.checkDeclaredFrames(info.totalFrames());
            frameRate[0] = info.frameRate();
        }, (index, pixels) -> {
            budget.addFrame(width, height);
            int[] argb = new int[width * height];
            MemorySegment.copy(pixels, ValueLayout.JAVA_INT, 0, argb, 0, argb.length);
            for (int p = 0; p < argb.length; p++) {
                argb[p] = Rlottie.unpremultiply(argb[p]);
            }
            frames.add(new Frame(width, height, argb, frameDurationMs(index, frameRate[0])));
        });
        boolean alpha = frames.stream().anyMatch(Frame::hasTransparency);
        return new Sticker(source, StickerFormat.TGS, width, height, frames, alpha, List.of());
    }

    /** Loads librlottie into this JVM on first use, for {@link #renderInProcess} only. */
    private static synchronized Rlottie inProcessRenderer() {
        if (inProcessRenderer == null) {
            inProcessRenderer = Rlottie.load();
        }
        return inProcessRenderer;
    }

    /** Reads a gzip stream fully, failing once the output passes {@code cap} bytes. */
    static byte[] gunzip(byte[] bytes, Path source, long cap) throws DecodeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(bytes.length * 8, 1 << 20));
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), chunk.length)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                if ((long) out.size() + n > cap) {
                    throw fail(source, "the gzip data decompresses to more than " + cap
                            + " bytes, the file-size limit (a gzip bomb?)");
                }
                out.write(chunk, 0, n);
            }
        } catch (DecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new DecodeException(source, StickerFormat.TGS, "not valid gzip data: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private Sticker render(byte[] json, LottieHeader header, Path source, DecodeLimits limits, DecodeBudget budget,
            long deadline) throws DecodeException {
        String classPath = workerClassPath();
        WorkerClassArchive.Plan archive = WorkerClassArchive.plan(classPath);
        List<String> command = workerCommand(classPath, archive.options(), List.of(Integer.toString(header.width()),
                Integer.toString(header.height()), Integer.toString(limits.maxFrames()),
                Integer.toString(json.length)), json.length, limits.maxRendererMemoryBytes());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            archive.finish(false);
            throw new DecodeException(source, StickerFormat.TGS, "cannot start the TGS renderer process: "
                    + e.getMessage(), e);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        BoundedSink stderr = new BoundedSink(STDERR_KEEP_BYTES);
        Thread feeder = Thread.ofVirtual().name("tgs-worker-stdin").start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(json);
            } catch (IOException e) {
                // The worker died or was killed, and its exit status gives the reason.
            }
        });
        Thread drainer = Thread.ofVirtual().name("tgs-worker-stderr").start(() -> {
            try (InputStream err = process.getErrorStream()) {
                err.transferTo(stderr);
            } catch (IOException e) {
                // Ends with the process.
            }
        });
        Thread watchdog = Thread.ofVirtual().name("tgs-worker-watchdog").start(() -> {
            try {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
                    timedOut.set(true);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // Interrupted when the decode finished first.
            }
        });
        try {
            List<Frame> frames;
            try (DataInputStream in = new DataInputStream(process.getInputStream())) {
                frames = readFrames(in, header, source, budget);
            } catch (EOFException | ProtocolException e) {
                throw workerFailure(process, timedOut, stderr, drainer, source, limits, e.getMessage());
            } catch (IOException e) {
                throw workerFailure(process, timedOut, stderr, drainer, source, limits, "reading its output failed: " + e);
            }

            // Every frame arrived behind its marker and the end marker followed, so the output is complete. The
            // worker may still be writing its class archive, which gets a few seconds past the deadline.
            watchdog.interrupt();
            long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status = waitForExit(process, deadline - grace > 0 ? deadline : grace);
            archive.finish(status == 0);
            List<String> warnings = List.of();
            if (status != 0) {
                log.warn("{}: the TGS renderer process exited with status {} after sending all frames", source,
                        status);
                warnings = List.of("the renderer process exited with status " + status + " after sending all frames");
            }
            boolean alpha = frames.stream().anyMatch(Frame::hasTransparency);
            return new Sticker(source, StickerFormat.TGS, header.width(), header.height(), frames, alpha, warnings);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            archive.finish(false);
            watchdog.interrupt();
            joinQuietly(feeder);
            joinQuietly(drainer);
            joinQuietly(watchdog);
        }
    }

    private static List<Frame> readFrames(DataInputStream in, LottieHeader header, Path source, DecodeBudget budget)
            throws IOException, DecodeException {
        byte[] magic = new byte[TgsProtocol.MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, TgsProtocol.MAGIC)) {
            throw new ProtocolException("its output did not start with the expected header");
        }
        int width = in.readInt();
        int height = in.readInt();
        int count = in.readInt();
        double frameRate = in.readDouble();
        if (width != header.width() || height != header.height()) {
            throw new ProtocolException("it rendered " + width + "x" + height + " instead of " + header.width() + "x"
                    + header.height());
        }
        budget.checkDeclaredFrames(count);
        if (count < 1) {
            throw fail(source, "the animation has no frames");
        }
        byte[] raw = new byte[4 * width * height];
        ByteBuffer rawView = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        List<Frame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int marker = in.readInt();
            int index = in.readInt();
            if (marker != TgsProtocol.FRAME_MARKER || index != i) {
                throw new ProtocolException("frame " + i + " was not where the protocol puts it");
            }
            budget.addFrame(width, height);
            in.readFully(raw);
            int[] argb = new int[width * height];
            rawView.clear();
            rawView.asIntBuffer().get(argb);
            for (int p = 0; p < argb.length; p++) {
                argb[p] = Rlottie.unpremultiply(argb[p]);
            }
            frames.add(new Frame(width, height, argb, frameDurationMs(i, frameRate)));
        }
        if (in.readInt() != TgsProtocol.END_MARKER) {
            throw new ProtocolException("its output did not end with the end marker");
        }
        return frames;
    }

    /** Display time of frame {@code index} at {@code frameRate}, from cumulative rounded times. */
    static int frameDurationMs(int index, double frameRate) {
        return (int) (Math.round((index + 1) * 1000.0 / frameRate) - Math.round(index * 1000.0 / frameRate));
    }

    private static DecodeException workerFailure(Process process, AtomicBoolean timedOut, BoundedSink stderr,
            Thread drainer, Path source, DecodeLimits limits, String detail) {
        if (timedOut.get()) {
            return fail(source, "rendering timed out after " + limits.maxDecodeTime().toMillis()
                    + " ms, the decode-time limit; the renderer process was killed");
        }
        int status;
        try {
            // The process has closed its output; give it a moment to exit and to finish writing its stderr.
            status = process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
            drainer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        String workerError = stderr.workerError();
        if (workerError != null && (status == TgsRenderWorker.EXIT_NO_LIBRARY
                || status == TgsRenderWorker.EXIT_REJECTED || status == TgsRenderWorker.EXIT_USAGE)) {
            return fail(source, workerError);
        }
        boolean capped = prlimitBinary().isPresent();
        String memoryCap = limits.maxRendererMemoryBytes() + " bytes (" + (limits.maxRendererMemoryBytes() >> 20)
                + " MiB)";
        String outOfMemory = stderr.outOfMemoryLine();
        if (capped && outOfMemory != null) {
            return fail(source, "the TGS renderer process ran out of memory under its cap of " + memoryCap
                    + ", the renderer-memory limit (" + outOfMemory + "); raise DecodeLimits.maxRendererMemoryBytes"
                    + " (gse option --max-renderer-mb) only for trusted files");
        }
        String crash = stderr.crashSummary();
        StringBuilder reason = new StringBuilder("the TGS renderer process ");
        if (crash != null || status > 128) {
            reason.append("crashed");
        } else {
            reason.append("failed");
        }
        if (status > 128) {
            reason.append(" (killed by signal ").append(status - 128).append(')');
        } else if (status >= 0) {
            reason.append(" (exit status ").append(status).append(')');
        }
        if (crash != null) {
            reason.append(": ").append(crash);
        } else if (workerError != null) {
            reason.append(": ").append(workerError);
        } else {
            reason.append(": ").append(detail);
        }
        if (capped && status > 128) {
            // A failed allocation in native code may end in a signal instead of an error line, so name the cap.
            reason.append("; it ran under a memory cap of ").append(memoryCap);
        }
        return fail(source, reason.toString());
    }

    /** Waits until {@code deadline} (at least 2 s) for the process to exit; returns -1 after killing it. */
    private static int waitForExit(Process process, long deadline) {
        try {
            long remaining = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(2));
            if (!process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds the worker's command line: {@code prlimit} with the memory cap when it is installed, the running JVM's
     * java binary, the gse classes, the worker class.
     */
    private List<String> workerCommand(String classPath, List<String> jvmOptions, List<String> arguments,
            int jsonBytes, long memoryCapBytes) {
        List<String> command = new ArrayList<>();
        // prlimit sets the limit on itself, then runs the JVM in its place (same process), which inherits it.
        prlimitBinary().ifPresent(binary -> {
            command.add(binary);
            command.add("--data=" + memoryCapBytes);
        });
        command.add(javaBinary());
        command.add("--enable-native-access=ALL-UNNAMED");
        // Small, fast-starting JVM: one frame buffer lives natively, the JSON twice on the heap at most.
        long heapMb = Math.max(64, 32 + (3L * jsonBytes >> 20));
        command.add("-Xmx" + heapMb + "m");
        command.add("-Xss4m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Xshare:auto");
        // JVM messages and the crash report go to standard error, where the parent reads the reason. When rlottie
        // crashes, no core dump and no hs_err file is left behind.
        command.add("-XX:+DisplayVMOutputToStderr");
        command.add("-XX:+ErrorFileToStderr");
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-Xlog:disable");
        command.add("-Xlog:all=warning:stderr");
        String library = System.getProperty("gse.rlottie.library");
        if (library != null && !library.isBlank()) {
            command.add("-Dgse.rlottie.library=" + library);
        }
        command.addAll(jvmOptions);
        command.addAll(extraWorkerOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(TgsRenderWorker.class.getName());
        command.addAll(arguments);
        return command;
    }

    /**
     * Returns the path of util-linux {@code prlimit}, looked up once on the {@code PATH}, or empty (with one warning)
     * when it is missing.
     */
    static Optional<String> prlimitBinary() {
        Optional<String> cached = prlimit;
        if (cached != null) {
            return cached;
        }
        synchronized (TgsDecoder.class) {
            if (prlimit == null) {
                String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
                prlimit = Arrays.stream(path.split(java.io.File.pathSeparator))
                        .filter(folder -> !folder.isEmpty())
                        .map(folder -> Path.of(folder, "prlimit"))
                        .filter(Files::isExecutable)
                        .map(Path::toString)
                        .findFirst();
                if (prlimit.isEmpty()) {
                    // NOTE: without prlimit (util-linux) the renderer process has no memory cap, only the time limit.
                    log.warn("prlimit was not found on the PATH, so TGS renderer processes run without a memory cap;"
                            + " install util-linux to enforce the renderer-memory limit");
                }
            }
            return prlimit;
        }
    }

    private static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString()
                : ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Returns the worker's class path. The worker needs only its own classes: the jar or folder that contains
     * {@link TgsRenderWorker}, else the parent's whole class path.
     */
    static String workerClassPath() {
        CodeSource code = TgsRenderWorker.class.getProtectionDomain().getCodeSource();
        if (code != null && code.getLocation() != null) {
            try {
                return Path.of(code.getLocation().toURI()).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                log.debug("Cannot turn {} into a path; using java.class.path", code.getLocation(), e);
            }
        }
        return System.getProperty("java.class.path");
    }

    /**
     * Returns why TGS rendering cannot work here (librlottie missing, with the install command), or empty when
     * the renderer loads. Starts one worker process on first call and caches the result.
     */
    public static Optional<String> rendererProblem() {
        Optional<String> cached = rendererProblem;
        if (cached != null) {
            return cached;
        }
        synchronized (TgsDecoder.class) {
            if (rendererProblem == null) {
                rendererProblem = checkRenderer();
            }
            return rendererProblem;
        }
    }

    private static Optional<String> checkRenderer() {
        TgsDecoder decoder = new TgsDecoder();
        List<String> command = decoder.workerCommand(workerClassPath(), List.of(), List.of("--check"), 0,
                DecodeLimits.DEFAULT_RENDERER_MEMORY_BYTES);
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            byte[] err = process.getErrorStream().readNBytes(STDERR_KEEP_BYTES);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("the TGS renderer check did not finish within 60 s");
            }
            if (process.exitValue() == 0) {
                return Optional.empty();
            }
            BoundedSink sink = new BoundedSink(STDERR_KEEP_BYTES);
            sink.write(err);
            String error = sink.workerError();
            return Optional.of(error != null ? error : "the TGS renderer check failed with exit status "
                    + process.exitValue());
        } catch (IOException e) {
            return Optional.of("cannot start the TGS renderer process: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking the TGS renderer");
        }
    }

    private static DecodeException fail(Path source, String reason) {
        return new DecodeException(source, StickerFormat.TGS, reason);
    }

    /** The worker broke the stream format. */
    private static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** An output stream that keeps the first {@code capacity} bytes written to it and discards the rest. */
    static final class BoundedSink extends OutputStream {
        private final byte[] kept;
        private int size;

        BoundedSink(int capacity) {
            kept = new byte[capacity];
        }

        @Override
        public synchronized void write(int b) {
            if (size < kept.length) {
                kept[size++] = (byte) b;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int n = Math.min(len, kept.length - size);
            if (n > 0) {
                System.arraycopy(b, off, kept, size, n);
                size += n;
            }
        }

        synchronized String text() {
            return new String(kept, 0, size, StandardCharsets.UTF_8);
        }

        /** Returns the first line that shows a failed allocation, without JVM comment marks, or null. */
        String outOfMemoryLine() {
            for (String line : text().split("\n")) {
                for (String sign : OUT_OF_MEMORY_SIGNS) {
                    if (line.contains(sign)) {
                        String plain = line.replaceFirst("^#\\s*", "").replace(TgsRenderWorker.ERROR_PREFIX, "")
                                .strip();
                        return plain.length() > 200 ? plain.substring(0, 200) + "..." : plain;
                    }
                }
            }
            return null;
        }

        /** Returns the worker's own error line without its prefix, or null. */
        String workerError() {
            for (String line : text().split("\n")) {
                int at = line.indexOf(TgsRenderWorker.ERROR_PREFIX);
                if (at >= 0) {
                    return line.substring(at + TgsRenderWorker.ERROR_PREFIX.length()).strip();
                }
            }
            return null;
        }

        /**
         * Returns the signal and problematic frame from a JVM crash report, or the reason of a C++ {@code terminate},
         * or null when the output shows neither.
         */
        String crashSummary() {
            String signal = null;
            String frame = null;
            String terminate = null;
            String[] lines = text().split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].replaceFirst("^#\\s*", "").strip();
                if (signal == null && (line.startsWith("SIG") || line.startsWith("EXCEPTION_"))) {
                    signal = line.replaceFirst(",? *pid=.*$", "");
                }
                if (frame == null && line.startsWith("Problematic frame:") && i + 1 < lines.length) {
                    frame = lines[i + 1].replaceFirst("^#\\s*", "").strip();
                }
                if (terminate == null && line.startsWith("terminate called")) {
                    terminate = line + (i + 1 < lines.length ? " " + lines[i + 1].strip() : "");
                }
            }
            if (signal != null || frame != null) {
                return "JVM crash report: " + (signal == null ? "fatal error" : signal)
                        + (frame == null ? "" : " in " + frame);
            }
            return terminate;
        }
    }

    /**
     * The top-level fields of a Lottie document that bound rendering: canvas {@code w x h}, frame rate {@code fr}
     * and frame range {@code ip..op}.
     */
    record LottieHeader(int width, int height, double frameRate, double inPoint, double outPoint) {

        private static final JsonFactory JSON = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
                .build();

        /** Frames rlottie renders: {@code op - ip} after both are truncated to integers, as rlottie stores them. */
        long frameCount() {
            return (long) outPoint - (long) inPoint;
        }

        /** Parses the whole document (so malformed JSON fails here) and checks the header fields. */
        static LottieHeader parse(byte[] json, Path source) throws DecodeException {
            Double w = null;
            Double h = null;
            Double fr = null;
            Double ip = null;
            Double op = null;
            boolean layers = false;

            // 1. Read the top-level fields, skipping the layers without building a tree.
            try (JsonParser parser = JSON.createParser(json)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw fail(source, "not a Lottie animation: the JSON document is not an object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    Double number = value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT
                            ? parser.getDoubleValue() : null;
                    switch (name) {
                        case "w" -> w = number;
                        case "h" -> h = number;
                        case "fr" -> fr = number;
                        case "ip" -> ip = number;
                        case "op" -> op = number;
                        case "layers" -> layers = value == JsonToken.START_ARRAY;
                        default -> { }
                    }
                    parser.skipChildren();
                }
                if (parser.nextToken() != null) {
                    throw fail(source, "invalid JSON: unexpected data after the document");
                }
            } catch (DecodeException e) {
                throw e;
            } catch (IOException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                throw new DecodeException(source, StickerFormat.TGS, "invalid JSON: " + message, e);
            }

            // 2. The fields rlottie needs must be there.
            require(source, "w", w);
            require(source, "h", h);
            require(source, "fr", fr);
            require(source, "ip", ip);
            require(source, "op", op);
            if (!layers) {
                throw fail(source, "not a Lottie animation: no 'layers' array");
            }

            // 3. Their values must be sane before the limits are checked against them.
            if (!(w >= 1 && h >= 1 && w <= Integer.MAX_VALUE && h <= Integer.MAX_VALUE)) {
                throw fail(source, "invalid declared size " + format(w) + "x" + format(h));
            }
            if (!(fr > 0) || fr > MAX_FRAME_RATE) {
                throw fail(source, "invalid frame rate " + format(fr) + " (expected above 0 and at most "
                        + format(MAX_FRAME_RATE) + " fps)");
            }
            if (Math.abs(ip) > 1e12 || Math.abs(op) > 1e12 || !(op.longValue() - ip.longValue() >= 1)) {
                throw fail(source, "invalid frame range ip=" + format(ip) + " op=" + format(op)
                        + " (op must be at least one frame after ip)");
            }
            return new LottieHeader((int) Math.ceil(w), (int) Math.ceil(h), fr, ip, op);
        }

        private static void require(Path source, String field, Double value) throws DecodeException {
            if (value == null || !Double.isFinite(value)) {
                throw fail(source, "not a Lottie animation: missing or non-numeric '" + field + "'");
            }
        }

        private static String format(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                    : Double.toString(value);
        }
    }
}
