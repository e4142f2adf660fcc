package org.gse.decode;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's ffprobe to get reference values; tests that need it are skipped when it is not installed. */
final class Ffprobe {

    private static Boolean available;

    private Ffprobe() {}

    /** Skips the calling test when ffprobe cannot run. */
    static void assumeAvailable() {
        if (available == null) {
            try {
                Process process = new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                available = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        assumeTrue(available, "skipped: ffprobe is not installed (apt-get install ffmpeg)");
    }

    /** Returns the number of frames ffprobe counts by decoding ({@code -count_frames}). */
    static int countFrames(Path file) throws IOException, InterruptedException {
        JsonNode json = run("-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames",
                file.toString());
        return json.path("streams").path(0).path("nb_read_frames").asInt(-1);
    }

    /** Returns the container duration in seconds that ffprobe reports. */
    static double containerDuration(Path file) throws IOException, InterruptedException {
        return run("-show_entries", "format=duration", file.toString()).path("format").path("duration").asDouble();
    }

    /**
     * Returns per-frame display durations in ms, computed from ffprobe's frame timestamps by the decoder's rule.
     * Each frame lasts until the next timestamp and the last one for its packet duration, rounded cumulatively.
     */
    static List<Integer> frameDurationsMs(Path file) throws IOException, InterruptedException {
        JsonNode frames = run("-select_streams", "v:0", "-show_entries",
                "frame=best_effort_timestamp_time,pkt_duration_time", file.toString()).path("frames");
        List<Double> starts = new ArrayList<>();
        double lastDuration = 0;
        for (JsonNode frame : frames) {
            starts.add(frame.path("best_effort_timestamp_time").asDouble());
            lastDuration = frame.path("pkt_duration_time").asDouble();
        }
        List<Integer> durations = new ArrayList<>();
        double origin = starts.getFirst();
        long previous = 0;
        for (int i = 0; i < starts.size(); i++) {
            double end = i + 1 < starts.size() ? starts.get(i + 1) : starts.get(i) + lastDuration;
            long endMs = Math.round((end - origin) * 1000);
            durations.add((int) (endMs - previous));
            previous = endMs;
        }
        return durations;
    }

    private static JsonNode run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-of", "json"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("ffprobe failed: " + command);
        }
        return new ObjectMapper().readTree(new String(output, StandardCharsets.UTF_8));
    }
}
