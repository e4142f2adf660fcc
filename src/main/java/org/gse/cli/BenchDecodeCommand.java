package org.gse.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gse.decode.DecodeException;
import org.gse.decode.DecodeLimits;
import org.gse.decode.FormatSniffer;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.decode.StickerFormat;
import org.gse.decode.TgsDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gse bench decode}: decode throughput (frames per second) of gse's decoders per format, side by side with
 * the {@code ffmpeg} command-line tool decoding the same files in the same run.
 *
 * <p>Generic over formats: every file goes through {@link StickerDecoder} with all registered decoders, and through
 * {@code ffmpeg -i FILE -pix_fmt bgra -f null -} (decode plus conversion to BGRA, the work gse does too). WebM
 * files are given to ffmpeg with the libvpx decoder gse uses ({@code -c:v libvpx-vp9} or {@code -c:v libvpx}), so
 * both decode alpha. Files ffmpeg cannot decode (TGS; animated WebP, which ffmpeg's webp decoder does not support)
 * are listed with ffmpeg's reason. For TGS a second table compares rendering in the gse process with rlottie
 * against the isolated worker that {@code gse} uses, which is the worker's overhead.
 *
 * <p>Per file: {@code --warmup} untimed runs, then {@code --repeat} timed runs; the median counts. A format's
 * frames/s is its total frames over the sum of the per-file medians. ffmpeg is timed two ways: wall clock around
 * the process (includes process start and probing, as a user running ffmpeg per file pays), its own
 * {@code -benchmark} {@code rtime} (the decode loop only) and its CPU time ({@code utime + stime}), which a busy
 * machine distorts least. Not a unit test: results depend on the machine.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Measure decode throughput (frames/s) per format and compare with the ffmpeg command-line tool.",
                "Prints a Markdown table. Folders are walked."})
public final class BenchDecodeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchDecodeCommand.class);
    private static final Pattern FRAME_LINE = Pattern.compile("(?m)^frame=(\\d+)\\s*$");
    private static final Pattern BENCH_LINE =
            Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE_OR_DIR", description = "Sticker files or folders to walk.")
    List<Path> inputs;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Timed runs per file and tool; the median counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Untimed runs per file and tool before timing, at least 1: the first one counts the frames"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--ffmpeg", paramLabel = "PATH", defaultValue = "ffmpeg",
            description = "The ffmpeg binary to compare with (default: ${DEFAULT-VALUE} on PATH). 'bundled' uses the"
                    + " ffmpeg binary in the bytedeco jar, the FFmpeg build gse links; 'none' skips the comparison.")
    String ffmpeg;

    @Option(names = "--ffmpeg-threads", paramLabel = "N", defaultValue = "1",
            description = "Decoder and filter threads for ffmpeg; gse decodes a sticker on one thread (default: ${DEFAULT-VALUE}).")
    int ffmpegThreads;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (repeat < 1 || warmup < 1) {
            throw new IllegalArgumentException("--repeat and --warmup must be at least 1");
        }
        DecodeLimits limits = limitOptions.toLimits();
        StickerDecoder decoder = StickerDecoder.withAllFormats(limits);
        List<Path> files = InputWalker.listFiles(inputs);
        String ffmpegPath = resolveFfmpeg();
        String ffmpegVersion = ffmpegPath == null ? null : ffmpegVersion(ffmpegPath);
        if (ffmpegPath != null && ffmpegVersion == null) {
            log.warn("Cannot run '{}'; the ffmpeg columns stay empty", ffmpegPath);
        }

        List<FileResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (Progress progress = new Progress("bench decode", files.size())) {
            for (Path file : files) {
                byte[] bytes = Files.readAllBytes(file);
                Optional<StickerFormat> format = FormatSniffer.sniff(bytes);
                if (format.isEmpty()) {
                    skipped.add(file.toString());
                } else {
                    results.add(benchFile(file, format.get(), bytes, decoder, limits,
                            ffmpegVersion == null ? null : ffmpegPath));
                }
                progress.step(1);
            }
        }
        print(spec.commandLine().getOut(), results, skipped, ffmpegPath, ffmpegVersion);
        return results.stream().anyMatch(r -> r.gseFrames > 0) ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }

    /** Time one file cost each tool. When a tool could not decode it, its frames are 0 and the failure gives the reason. */
    private record FileResult(Path file, StickerFormat format, int gseFrames, double gseSeconds,
            double gseCpuSeconds, String gseFailure, double inProcessSeconds, double inProcessCpuSeconds,
            int ffmpegFrames,
            double ffmpegWallSeconds, double ffmpegLoopSeconds, double ffmpegCpuSeconds, String ffmpegFailure) {}

    private FileResult benchFile(Path file, StickerFormat format, byte[] bytes, StickerDecoder decoder,
            DecodeLimits limits, String ffmpegPath) throws IOException, InterruptedException {
        int gseFrames = 0;
        double gseSeconds = 0;
        double gseCpuSeconds = Double.NaN;
        String gseFailure = null;
        double inProcessSeconds = Double.NaN;
        double inProcessCpuSeconds = Double.NaN;
        try {
            int frames = decoder.decode(bytes, file).frames().size();
            Timing timing = time(() -> decoder.decode(bytes, file));
            gseFrames = frames;
            gseSeconds = timing.wallSeconds();
            gseCpuSeconds = timing.cpuSeconds();
            log.debug("{}: {} frames, gse median {} ms", file, gseFrames, gseSeconds * 1000);
        } catch (DecodeException e) {
            // A failure in a timed run (such as the decode-time limit on a busy machine) drops the whole file.
            log.warn("gse could not decode {}: {}", file, e.reason());
            gseFailure = e.reason();
        } catch (Exception e) {
            throw new IllegalStateException("benchmark of " + file + " failed", e);
        }
        if (format == StickerFormat.TGS && gseFailure == null) {
            try {
                TgsDecoder.renderInProcess(bytes, file, limits);
                Timing timing = time(() -> TgsDecoder.renderInProcess(bytes, file, limits));
                inProcessSeconds = timing.wallSeconds();
                inProcessCpuSeconds = timing.cpuSeconds();
            } catch (Exception e) {
                log.warn("No in-process rlottie timing for {}: {}", file, e.getMessage());
            }
        }
        if (ffmpegPath == null) {
            return new FileResult(file, format, gseFrames, gseSeconds, gseCpuSeconds, gseFailure, inProcessSeconds,
                    inProcessCpuSeconds, 0, 0, 0, 0, "not run");
        }
        FfmpegRun first = runFfmpeg(ffmpegPath, file, format, bytes);
        for (int i = 1; i < warmup && first.failure == null; i++) {
            runFfmpeg(ffmpegPath, file, format, bytes);
        }
        double[] wall = new double[repeat];
        double[] loop = new double[repeat];
        double[] cpu = new double[repeat];
        for (int i = 0; i < repeat && first.failure == null; i++) {
            FfmpegRun run = runFfmpeg(ffmpegPath, file, format, bytes);
            if (run.failure != null) {
                first = run;
                break;
            }
            wall[i] = run.wallSeconds;
            loop[i] = run.loopSeconds;
            cpu[i] = run.cpuSeconds;
        }
        if (first.failure != null) {
            return new FileResult(file, format, gseFrames, gseSeconds, gseCpuSeconds, gseFailure, inProcessSeconds,
                    inProcessCpuSeconds, 0, 0, 0, 0, first.failure);
        }
        return new FileResult(file, format, gseFrames, gseSeconds, gseCpuSeconds, gseFailure, inProcessSeconds,
                inProcessCpuSeconds, first.frames, median(wall), median(loop), median(cpu), null);
    }

    /** Median wall-clock and CPU seconds of one task in this JVM. */
    private record Timing(double wallSeconds, double cpuSeconds) {}

    /**
     * Runs {@code task} {@code warmup - 1} more times untimed (the caller ran it once), then {@code repeat} times,
     * and returns the medians of wall-clock time and of CPU time. CPU time is this JVM's (all threads, since
     * rlottie rasterises on threads of its own) plus that of child processes that ended meanwhile, so the TGS
     * worker's rendering counts.
     */
    private Timing time(ThrowingRunnable task) throws Exception {
        for (int i = 1; i < warmup; i++) {
            task.run();
        }
        double[] wall = new double[repeat];
        double[] cpu = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long cpuStart = OS.getProcessCpuTime();
            double childrenStart = childrenCpuSeconds();
            long start = System.nanoTime();
            task.run();
            wall[i] = (System.nanoTime() - start) / 1e9;
            cpu[i] = (OS.getProcessCpuTime() - cpuStart) / 1e9 + childrenCpuSeconds() - childrenStart;
        }
        return new Timing(median(wall), median(cpu));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One ffmpeg run: frames decoded, wall, loop and CPU (user + system) seconds, or why it failed. */
    private record FfmpegRun(int frames, double wallSeconds, double loopSeconds, double cpuSeconds, String failure) {}

    private FfmpegRun runFfmpeg(String ffmpegPath, Path file, StickerFormat format, byte[] bytes)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-loglevel", "info",
                "-nostats", "-benchmark", "-progress", "pipe:1", "-threads", Integer.toString(ffmpegThreads),
                "-filter_threads", Integer.toString(ffmpegThreads)));
        String decoderName = ffmpegDecoder(format, bytes);
        if (decoderName != null) {
            command.addAll(List.of("-c:v", decoderName));
        }
        command.addAll(List.of("-i", file.toString(), "-an", "-pix_fmt", "bgra", "-f", "null", "-"));
        Path errors = Files.createTempFile("gse-bench-ffmpeg-", ".log");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String progress = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new FfmpegRun(0, 0, 0, 0, "ffmpeg did not finish within 10 minutes");
            }
            double wall = (System.nanoTime() - start) / 1e9;
            String stderr = Files.readString(errors, StandardCharsets.UTF_8);
            int frames = 0;
            Matcher frameMatcher = FRAME_LINE.matcher(progress);
            while (frameMatcher.find()) {
                frames = Integer.parseInt(frameMatcher.group(1));
            }
            if (process.exitValue() != 0 || frames == 0) {
                return new FfmpegRun(0, wall, 0, 0, ffmpegReason(stderr, process.exitValue()));
            }
            Matcher bench = BENCH_LINE.matcher(stderr);
            if (!bench.find()) {
                return new FfmpegRun(frames, wall, Double.NaN, Double.NaN, null);
            }
            double cpu = Double.parseDouble(bench.group(1)) + Double.parseDouble(bench.group(2));
            return new FfmpegRun(frames, wall, Double.parseDouble(bench.group(3)), cpu, null);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /**
     * Returns the ffmpeg decoder matching gse's: libvpx for WebM (ffmpeg's native vp8/vp9 decoders drop the alpha
     * channel), found from the Matroska CodecID string ({@code V_VP9} or {@code V_VP8}) in the track header;
     * ffmpeg's default otherwise.
     */
    static String ffmpegDecoder(StickerFormat format, byte[] bytes) {
        if (format != StickerFormat.WEBM) {
            return null;
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 8192), StandardCharsets.ISO_8859_1);
        if (head.contains("V_VP9")) {
            return "libvpx-vp9";
        }
        if (head.contains("V_VP8")) {
            return "libvpx";
        }
        return null;
    }

    /** Returns up to three error lines of a failed ffmpeg run, with their context prefixes removed. */
    static String ffmpegReason(String stderr, int status) {
        List<String> reasons = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            String text = line.replaceAll("\\[[^\\]]* @ 0x[0-9a-f]+\\] *", "").strip();
            boolean isError = text.contains("unsupported") || text.contains("not found") || text.contains("Invalid")
                    || text.contains("Error") || text.contains("error") || text.contains("failed");
            if (isError && !text.startsWith("bench:") && !reasons.contains(text) && reasons.size() < 3) {
                reasons.add(text);
            }
        }
        return (reasons.isEmpty() ? "no frames decoded" : String.join("; ", reasons))
                + " (exit status " + status + ")";
    }

    private String resolveFfmpeg() {
        if (ffmpeg.equals("none")) {
            return null;
        }
        if (ffmpeg.equals("bundled")) {
            try {
                return org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("the bytedeco jar has no ffmpeg binary for this platform", e);
            }
        }
        return ffmpeg;
    }

    private static String ffmpegVersion(String ffmpegPath) {
        try {
            Process process = new ProcessBuilder(ffmpegPath, "-hide_banner", "-version").redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            String first = output.lines().findFirst().orElse("ffmpeg");
            return first.replaceFirst(" Copyright.*$", "");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void print(PrintWriter out, List<FileResult> results, List<String> skipped, String ffmpegPath,
            String ffmpegVersion) {
        out.printf(Locale.ROOT, "Decode throughput, %s; %s, %d cores; Java %s; median of %d runs after %d warm-up"
                + " per file.%n%n", LocalDate.now(), cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), repeat, warmup);
        out.println("| format | files | frames | gse frames/s | ffmpeg frames/s (wall) | gse / ffmpeg (wall)"
                + " | ffmpeg frames/s (decode loop) | gse / ffmpeg (loop) | gse frames/CPU-s | ffmpeg frames/CPU-s"
                + " | gse / ffmpeg (CPU) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<StickerFormat, List<FileResult>> byFormat = new EnumMap<>(StickerFormat.class);
        for (FileResult r : results) {
            byFormat.computeIfAbsent(r.format(), f -> new ArrayList<>()).add(r);
        }
        List<String> notes = new ArrayList<>();
        for (Map.Entry<StickerFormat, List<FileResult>> entry : byFormat.entrySet()) {
            String id = entry.getKey().id();
            List<FileResult> rows = entry.getValue();
            List<FileResult> gse = rows.stream().filter(r -> r.gseFrames() > 0).toList();
            List<FileResult> ff = rows.stream().filter(r -> r.ffmpegFrames() > 0).toList();
            List<FileResult> both = gse.stream().filter(r -> r.ffmpegFrames() > 0).toList();
            long frames = gse.isEmpty() ? ff.stream().mapToLong(FileResult::ffmpegFrames).sum()
                    : gse.stream().mapToLong(FileResult::gseFrames).sum();
            String gseRate = gse.isEmpty() ? "n/a" : rate(gse.stream().mapToLong(FileResult::gseFrames).sum()
                    / gse.stream().mapToDouble(FileResult::gseSeconds).sum());
            String wall = "n/a";
            String loop = "n/a";
            String wallRatio = "n/a";
            String loopRatio = "n/a";
            String gseCpu = "n/a";
            String ffCpu = "n/a";
            String cpuRatio = "n/a";
            double gseCpuRate = gse.stream().mapToLong(FileResult::gseFrames).sum()
                    / gse.stream().mapToDouble(FileResult::gseCpuSeconds).sum();
            if (!gse.isEmpty() && Double.isFinite(gseCpuRate)) {
                gseCpu = rate(gseCpuRate);
            }
            if (!ff.isEmpty()) {
                long ffFrames = ff.stream().mapToLong(FileResult::ffmpegFrames).sum();
                wall = rate(ffFrames / ff.stream().mapToDouble(FileResult::ffmpegWallSeconds).sum());
                double loopSeconds = ff.stream().mapToDouble(FileResult::ffmpegLoopSeconds).sum();
                loop = Double.isFinite(loopSeconds) ? rate(ffFrames / loopSeconds) : "n/a";
                double cpuSeconds = ff.stream().mapToDouble(FileResult::ffmpegCpuSeconds).sum();
                ffCpu = Double.isFinite(cpuSeconds) && cpuSeconds > 0 ? rate(ffFrames / cpuSeconds) : "n/a";
                if (ff.size() < rows.size()) {
                    wall += " (" + ff.size() + " of " + rows.size() + " files)";
                }
            }
            if (!both.isEmpty()) {
                double gseBoth = both.stream().mapToLong(FileResult::gseFrames).sum()
                        / both.stream().mapToDouble(FileResult::gseSeconds).sum();
                long bothFrames = both.stream().mapToLong(FileResult::ffmpegFrames).sum();
                double ffWall = bothFrames / both.stream().mapToDouble(FileResult::ffmpegWallSeconds).sum();
                double ffLoop = bothFrames / both.stream().mapToDouble(FileResult::ffmpegLoopSeconds).sum();
                wallRatio = String.format(Locale.ROOT, "%.2f", gseBoth / ffWall);
                loopRatio = Double.isFinite(ffLoop) ? String.format(Locale.ROOT, "%.2f", gseBoth / ffLoop) : "n/a";
                double gseBothCpu = both.stream().mapToLong(FileResult::gseFrames).sum()
                        / both.stream().mapToDouble(FileResult::gseCpuSeconds).sum();
                double ffBothCpu = bothFrames / both.stream().mapToDouble(FileResult::ffmpegCpuSeconds).sum();
                if (Double.isFinite(gseBothCpu) && Double.isFinite(ffBothCpu)) {
                    cpuRatio = String.format(Locale.ROOT, "%.2f", gseBothCpu / ffBothCpu);
                }
            }
            out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", id, rows.size(),
                    frames, gseRate, wall, wallRatio, loop, loopRatio, gseCpu, ffCpu, cpuRatio);

            summarize(notes, "gse could not decode", id, rows.stream().filter(r -> r.gseFailure() != null)
                    .map(r -> r.file().getFileName() + ": " + r.gseFailure()).toList(), rows.size());
            if (ffmpegVersion != null) {
                List<String> ffFailures = rows.stream().filter(r -> r.ffmpegFailure() != null)
                        .map(r -> r.file().getFileName() + ": " + r.ffmpegFailure()).toList();
                String what = entry.getKey() == StickerFormat.TGS
                        ? "ffmpeg cannot read TGS (gzipped Lottie JSON) and failed on"
                        : "ffmpeg could not decode";
                summarize(notes, what, id, ffFailures, rows.size());
            }
            for (FileResult r : both) {
                if (r.gseFrames() != r.ffmpegFrames()) {
                    notes.add(String.format(Locale.ROOT, "%s: ffmpeg decoded %d frames, gse %d", r.file(),
                            r.ffmpegFrames(), r.gseFrames()));
                }
            }
        }

        List<FileResult> tgs = results.stream()
                .filter(r -> r.format() == StickerFormat.TGS && r.gseFrames() > 0 && Double.isFinite(r.inProcessSeconds()))
                .toList();
        if (!tgs.isEmpty()) {
            long frames = tgs.stream().mapToLong(FileResult::gseFrames).sum();
            double worker = tgs.stream().mapToDouble(FileResult::gseSeconds).sum();
            double inProcess = tgs.stream().mapToDouble(FileResult::inProcessSeconds).sum();
            double workerCpu = tgs.stream().mapToDouble(FileResult::gseCpuSeconds).sum();
            double inProcessCpu = tgs.stream().mapToDouble(FileResult::inProcessCpuSeconds).sum();
            out.println();
            out.println("TGS: ffmpeg cannot read Lottie, so this compares rendering with rlottie inside the gse JVM"
                    + " (unsafe for untrusted files) with the isolated worker process gse uses:");
            out.println();
            out.println("| files | frames | in-process rlottie frames/s | worker frames/s | worker overhead per file"
                    + " | in-process frames/CPU-s | worker frames/CPU-s | worker CPU overhead per file |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            out.printf(Locale.ROOT, "| %d | %d | %s | %s | %.0f ms | %s | %s | %.0f ms |%n", tgs.size(), frames,
                    rate(frames / inProcess), rate(frames / worker), (worker - inProcess) * 1000 / tgs.size(),
                    rate(frames / inProcessCpu), rate(frames / workerCpu),
                    (workerCpu - inProcessCpu) * 1000 / tgs.size());
        }

        out.println();
        if (ffmpegPath == null) {
            out.println("- ffmpeg comparison skipped (--ffmpeg none).");
        } else if (ffmpegVersion == null) {
            out.println("- ffmpeg comparison skipped: '" + ffmpegPath + "' could not be run.");
        } else {
            out.println("- ffmpeg: " + ffmpegVersion + " (`" + ffmpegPath + "`), run as `ffmpeg -threads "
                    + ffmpegThreads + " -filter_threads " + ffmpegThreads
                    + " [-c:v libvpx-vp9|libvpx] -i FILE -pix_fmt bgra -f null -`. Wall = process start to exit;"
                    + " decode loop = ffmpeg's own `-benchmark` rtime; ffmpeg CPU = its utime + stime, gse CPU = the"
                    + " JVM's CPU time (all threads) plus, for TGS, the worker process's."
                    + " Ratios above 1 mean gse is faster.");
        }
        for (String note : notes) {
            out.println("- " + note);
        }
        if (!skipped.isEmpty()) {
            out.println("- skipped " + skipped.size() + " file(s) in no sticker format, e.g. " + skipped.getFirst());
        }
        out.flush();
    }

    private static void summarize(List<String> notes, String problem, String format, List<String> failures, int files) {
        if (!failures.isEmpty()) {
            notes.add(String.format(Locale.ROOT, "%s %d of %d %s file(s); first: %s", problem, failures.size(), files,
                    format, failures.getFirst()));
        }
    }

    private static String rate(double framesPerSecond) {
        return String.format(Locale.ROOT, "%,.0f", framesPerSecond);
    }

    /**
     * Returns the user + system CPU seconds of this process's ended and reaped children ({@code cutime} and
     * {@code cstime} in /proc/self/stat, in clock ticks of 1/100 s, Linux's USER_HZ), or 0 where there is no /proc.
     */
    static double childrenCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            // Fields after the ")" that closes the command name start at field 3 (state); cutime is field 16.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Returns the CPU model from /proc/cpuinfo (what {@code lscpu} shows as "Model name"), or the OS architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // Not Linux; fall through.
        }
        return System.getProperty("os.arch");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

}
