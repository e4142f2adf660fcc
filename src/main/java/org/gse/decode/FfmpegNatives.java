package org.gse.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time set-up of bytedeco's FFmpeg for in-process decoding, and FFmpeg error text.
 *
 * <p>FFmpeg prints to standard error by default. {@link #init()} sets its log level to {@code error} and routes
 * what is left to SLF4J (logger {@code org.gse.decode.ffmpeg}, at WARN); the lines a decode produces on the
 * current thread are also collected by {@link #capture()}, so a {@link DecodeException} can quote FFmpeg's own
 * reason. The natives are loaded from the bytedeco jar on first use (JavaCPP extracts them to
 * {@code ~/.javacpp/cache}), which takes a second or two once per JVM.
 */
final class FfmpegNatives {

    private static final Logger ffmpegLog = LoggerFactory.getLogger("org.gse.decode.ffmpeg");
    private static final int MAX_CAPTURED_LINES = 8;
    private static final ThreadLocal<List<String>> captured = new ThreadLocal<>();
    private static final Pattern CONTEXT_PREFIX = Pattern.compile("^(\\[[^\\]]* @ 0x[0-9a-f]+\\] *)+");

    /** Kept in a static field: JavaCPP frees the native thunk when the Java object is collected. */
    private static final LogCallback CALLBACK = new LogCallback() {
        @Override
        public void call(int level, BytePointer message) {
            String text = message.getString().strip();
            if (text.isEmpty()) {
                return;
            }
            List<String> lines = captured.get();
            if (lines != null && lines.size() < MAX_CAPTURED_LINES && level <= AV_LOG_ERROR) {
                // Drop the "[matroska,webm @ 0x55d0c8]" context prefix, which means nothing to a user.
                String line = CONTEXT_PREFIX.matcher(text).replaceFirst("");
                if (!lines.contains(line)) {
                    lines.add(line);
                }
            }
            if (level <= AV_LOG_ERROR) {
                ffmpegLog.warn("{}", text);
            } else if (level <= AV_LOG_WARNING) {
                ffmpegLog.debug("{}", text);
            }
        }
    };

    static {
        av_log_set_level(AV_LOG_ERROR);
        setLogCallback(CALLBACK);
    }

    private FfmpegNatives() {}

    /** Loads the natives (on first call) and installs the log routing. */
    static void init() {
        // The static initialiser does the work.
    }

    /** Starts collecting FFmpeg error lines logged on this thread; close the returned capture to stop. */
    static Capture capture() {
        List<String> lines = new ArrayList<>();
        captured.set(lines);
        return new Capture(lines);
    }

    /** FFmpeg's text for an error code, such as "Invalid data found when processing input". */
    static String errorText(int code) {
        byte[] buffer = new byte[256];
        if (av_strerror(code, buffer, buffer.length) < 0) {
            return "FFmpeg error " + code;
        }
        int length = 0;
        while (length < buffer.length && buffer[length] != 0) {
            length++;
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    /** FFmpeg error lines collected on one thread during one decode. */
    static final class Capture implements AutoCloseable {
        private final List<String> lines;

        private Capture(List<String> lines) {
            this.lines = lines;
        }

        /** Returns the collected lines joined for a message, or an empty string when there are none. */
        String summary() {
            return lines.isEmpty() ? "" : " (FFmpeg: " + String.join("; ", lines) + ")";
        }

        @Override
        public void close() {
            captured.remove();
        }
    }
}
