package org.gse.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_MATROSKA_BLOCKADDITIONAL;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_get_side_data;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGRA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes WebM (Matroska) VP8 and VP9 video, with or without alpha, using bytedeco's FFmpeg in process.
 *
 * <p><b>Alpha.</b> WebM stores the alpha plane of a VP8/VP9 frame as a second coded picture in the Matroska
 * {@code BlockAdditional} element (Telegram video stickers use this). FFmpeg's own {@code vp8}/{@code vp9}
 * decoders ignore it and return opaque {@code yuv420p}; the libvpx wrappers read it and return {@code yuva420p}.
 * So after the demuxer reports the codec, the matching libvpx decoder is opened by name: {@code libvpx-vp9} for
 * VP9, {@code libvpx} for VP8 (the wrong one fails to decode). swscale converts each frame to BGRA, which read as
 * little-endian ints is exactly the non-premultiplied {@code 0xAARRGGBB} of {@link Frame}.
 *
 * <p><b>Timing.</b> Real stickers declare wrong container durations (a Telegram sticker declares 1 ms), so the
 * container duration is ignored: frames are counted as decoded and each frame lasts until the next frame's
 * timestamp ({@code best_effort_timestamp}, else {@code pts}, in the stream time base). The last frame lasts its
 * own {@code duration} field when set, else the average frame interval. Millisecond durations are rounded from
 * the cumulative timestamps, so rounding does not drift.
 *
 * <p><b>Input.</b> Bytes are demuxed from memory through a custom {@code AVIOContext} ({@link MemoryAvio}), not a
 * temporary file. Only the Matroska demuxer is allowed. Every native object is freed in {@code finally} blocks.
 *
 * <p><b>Size limits.</b> The track's {@code PixelWidth x PixelHeight} is checked before the decoder opens. libvpx
 * sizes its frame buffers from each frame's own header instead, and allocates them before FFmpeg's
 * {@code max_pixels} check runs, so every packet's VP8/VP9 frame headers (and those of the alpha stream in
 * {@code BlockAdditional}) are read with {@link VpxFrameHeader} and checked before the packet reaches libvpx.
 *
 * <p><b>Damage.</b> A file that ends early or whose later frames fail to decode yields the frames before the damage
 * and a warning; one with no decodable frame is a {@link DecodeException}.
 *
 * <p>Each decode uses one decoder thread; batches parallelise across stickers.
 */
public final class WebmDecoder implements FormatDecoder {

    private static final Logger log = LoggerFactory.getLogger(WebmDecoder.class);

    /**
     * swscale flags: bilinear chroma upsampling at full horizontal resolution, for clean colour edges. With
     * {@code SWS_ACCURATE_RND} added, decoding a 512x512 VP9-alpha clip of 90 frames cost 254 ms of CPU instead of
     * 75 ms (best of 15 on a 2-core Xeon development machine) and the fixture colours did not change visibly.
     */
    private static final int SWS_FLAGS = SWS_BILINEAR | SWS_FULL_CHR_H_INT;

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        FfmpegNatives.init();
        DecodeBudget budget = new DecodeBudget(source, StickerFormat.WEBM, limits, deadline);
        List<String> warnings = new ArrayList<>();
        String truncation = MatroskaSegment.truncation(bytes);

        try (FfmpegNatives.Capture ffmpegErrors = FfmpegNatives.capture();
                MemoryAvio input = new MemoryAvio(bytes)) {
            AVFormatContext format = avformat_alloc_context();
            if (format == null || format.isNull()) {
                throw new OutOfMemoryError("avformat_alloc_context failed");
            }
            format.pb(input.context());
            AVInputFormat matroska = av_find_input_format("matroska");
            int ret = avformat_open_input(format, (String) null, matroska, (AVDictionary) null);
            if (ret < 0) {
                // avformat_open_input frees the context on failure.
                throw fail(source, "not a readable WebM/Matroska file: " + FfmpegNatives.errorText(ret)
                        + (truncation != null ? "; " + truncation : "") + ffmpegErrors.summary());
            }
            try {
                return decodeOpened(format, source, limits, budget, warnings, truncation, ffmpegErrors);
            } finally {
                avformat_close_input(format);
            }
        }
    }

    private Sticker decodeOpened(AVFormatContext format, Path source, DecodeLimits limits, DecodeBudget budget,
            List<String> warnings, String truncation, FfmpegNatives.Capture ffmpegErrors) throws DecodeException {
        int streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) {
            throw fail(source, "the file has no video track");
        }
        AVStream stream = format.streams(streamIndex);
        AVCodecParameters parameters = stream.codecpar();
        int codecId = parameters.codec_id();
        String decoderName;
        if (codecId == AV_CODEC_ID_VP9) {
            decoderName = "libvpx-vp9";
        } else if (codecId == AV_CODEC_ID_VP8) {
            decoderName = "libvpx";
        } else {
            throw fail(source, "unsupported video codec " + avcodec_get_name(codecId).getString()
                    + "; WebM stickers must be VP8 or VP9");
        }
        int width = parameters.width();
        int height = parameters.height();
        budget.checkCanvas(width, height);
        if (stream.nb_frames() > 0) {
            budget.checkDeclaredFrames(stream.nb_frames());
        }
        AVCodec codec = avcodec_find_decoder_by_name(decoderName);
        if (codec == null || codec.isNull()) {
            throw fail(source, "this FFmpeg build has no " + decoderName
                    + " decoder, which WebM alpha needs; use a bytedeco FFmpeg build with libvpx");
        }

        AVCodecContext decoder = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        Converter converter = new Converter(width, height);
        try {
            if (decoder == null || decoder.isNull() || packet == null || packet.isNull() || frame == null
                    || frame.isNull()) {
                throw new OutOfMemoryError("FFmpeg allocation failed");
            }
            int ret = avcodec_parameters_to_context(decoder, parameters);
            if (ret < 0) {
                throw fail(source, "invalid codec parameters: " + FfmpegNatives.errorText(ret));
            }
            decoder.thread_count(1);
            decoder.pkt_timebase(stream.time_base());
            // A second guard behind checkCodedSizes: FFmpeg rejects decoded frames larger than this.
            decoder.max_pixels(limits.maxPixelsPerFrame());
            ret = avcodec_open2(decoder, codec, (AVDictionary) null);
            if (ret < 0) {
                throw fail(source, "cannot open the " + decoderName + " decoder: " + FfmpegNatives.errorText(ret)
                        + ffmpegErrors.summary());
            }

            Collected collected = new Collected();
            String damage = null;
            boolean draining = false;
            while (damage == null) {
                budget.checkDeadline();
                if (!draining) {
                    ret = av_read_frame(format, packet);
                    if (ret == AVERROR_EOF) {
                        draining = true;
                        ret = avcodec_send_packet(decoder, null);
                    } else if (ret < 0) {
                        damage = "reading the file failed after " + collected.size() + " frames: "
                                + FfmpegNatives.errorText(ret);
                        break;
                    } else {
                        if (packet.stream_index() != streamIndex) {
                            av_packet_unref(packet);
                            continue;
                        }
                        try {
                            checkCodedSizes(packet, codecId == AV_CODEC_ID_VP9, collected.size() + 1, source,
                                    limits);
                            ret = avcodec_send_packet(decoder, packet);
                        } finally {
                            av_packet_unref(packet);
                        }
                    }
                    if (ret < 0 && ret != AVERROR_EAGAIN() && ret != AVERROR_EOF) {
                        damage = "frame " + (collected.size() + 1) + " could not be decoded: "
                                + FfmpegNatives.errorText(ret);
                        break;
                    }
                }
                // Receive every frame the decoder has ready.
                while (true) {
                    ret = avcodec_receive_frame(decoder, frame);
                    if (ret == AVERROR_EAGAIN()) {
                        break;
                    }
                    if (ret == AVERROR_EOF) {
                        return finish(source, width, height, collected, stream.time_base(), warnings, truncation);
                    }
                    if (ret < 0) {
                        damage = "frame " + (collected.size() + 1) + " could not be decoded: "
                                + FfmpegNatives.errorText(ret);
                        break;
                    }
                    try {
                        budget.addFrame(width, height);
                        collected.add(converter.convert(frame, source), timestampOf(frame), frame.duration());
                    } finally {
                        av_frame_unref(frame);
                    }
                }
                if (draining && damage == null) {
                    // receive_frame returned EAGAIN while draining; should not happen, but never loop forever.
                    break;
                }
            }
            if (collected.size() == 0) {
                throw fail(source, (damage != null ? damage : "no frame could be decoded")
                        + (truncation != null ? "; " + truncation : "") + ffmpegErrors.summary());
            }
            if (damage != null) {
                warnings.add(damage + ffmpegErrors.summary() + "; kept the " + collected.size()
                        + " frames before the damage");
            }
            return finish(source, width, height, collected, stream.time_base(), warnings, truncation);
        } finally {
            converter.close();
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(decoder);
        }
    }

    /**
     * Checks the frame sizes declared inside one packet, in the main stream and in the alpha stream that Matroska
     * stores as {@code BlockAdditional} side data (an 8-byte big-endian BlockAddID, 1 for alpha, then a VP8/VP9
     * frame). {@code frameNumber} counts from 1 and only makes the message easier to follow.
     */
    private static void checkCodedSizes(AVPacket packet, boolean vp9, int frameNumber, Path source,
            DecodeLimits limits) throws DecodeException {
        checkCodedSizes(bytesOf(packet.data(), packet.size()), vp9, "frame " + frameNumber, source, limits);

        try (SizeTPointer sideDataSize = new SizeTPointer(1)) {
            BytePointer sideData = av_packet_get_side_data(packet, AV_PKT_DATA_MATROSKA_BLOCKADDITIONAL,
                    sideDataSize);
            long size = sideDataSize.get();
            if (sideData != null && !sideData.isNull() && size > 8 && size <= Integer.MAX_VALUE) {
                byte[] additional = bytesOf(sideData, (int) size);
                byte[] alpha = Arrays.copyOfRange(additional, 8, additional.length);
                checkCodedSizes(alpha, vp9, "the alpha stream of frame " + frameNumber, source, limits);
            }
        }
    }

    private static void checkCodedSizes(byte[] data, boolean vp9, String frameLabel, Path source,
            DecodeLimits limits) throws DecodeException {
        List<VpxFrameHeader.Size> sizes = vp9 ? VpxFrameHeader.vp9(data)
                : Optional.ofNullable(VpxFrameHeader.vp8(data)).stream().toList();
        for (VpxFrameHeader.Size size : sizes) {
            long pixels = (long) size.width() * size.height();
            if (pixels > limits.maxPixelsPerFrame()) {
                throw fail(source, String.format(Locale.ROOT, "%s declares a coded size of %dx%d in its %s header,"
                        + " %d pixels, over the limit of %d pixels per frame", frameLabel, size.width(), size.height(),
                        vp9 ? "VP9" : "VP8", pixels, limits.maxPixelsPerFrame()));
            }
        }
    }

    private static byte[] bytesOf(BytePointer data, int size) {
        byte[] bytes = new byte[Math.max(size, 0)];
        if (size > 0 && data != null && !data.isNull()) {
            data.position(0).get(bytes);
        }
        return bytes;
    }

    private static long timestampOf(AVFrame frame) {
        long ts = frame.best_effort_timestamp();
        return ts != AV_NOPTS_VALUE ? ts : frame.pts();
    }

    private static Sticker finish(Path source, int width, int height, Collected collected, AVRational timeBase,
            List<String> warnings, String truncation) {
        if (truncation != null) {
            warnings.add(truncation + "; decoded the " + collected.size() + " frames present");
        }
        int[] durations = durationsMs(collected.timestamps, collected.lastDurations, timeBase.num(), timeBase.den(),
                warnings);
        List<Frame> frames = new ArrayList<>(collected.size());
        boolean alpha = false;
        for (int i = 0; i < collected.size(); i++) {
            Frame frame = new Frame(width, height, collected.pixels.get(i), durations[i]);
            alpha = alpha || frame.hasTransparency();
            frames.add(frame);
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: {} frames, {} ms from timestamps", source, frames.size(),
                    frames.stream().mapToLong(Frame::durationMs).sum());
        }
        return new Sticker(source, StickerFormat.WEBM, width, height, frames, alpha, warnings);
    }

    /**
     * Converts frame timestamps (in {@code num/den} second units, {@link Long#MIN_VALUE} or {@code AV_NOPTS_VALUE}
     * when unknown) into display durations in milliseconds. Each frame lasts until the next one starts; the last
     * lasts its own duration field when positive, else the average interval. Missing timestamps are filled in
     * from the average interval; timestamps that go backwards give the frame 0 ms and a warning.
     */
    static int[] durationsMs(List<Long> timestamps, List<Long> ownDurations, int num, int den,
            List<String> warnings) {
        int n = timestamps.size();
        int[] result = new int[n];
        if (n == 0 || num <= 0 || den <= 0) {
            return result;
        }
        long[] ts = new long[n];
        int known = 0;
        long firstKnown = AV_NOPTS_VALUE;
        long lastKnown = AV_NOPTS_VALUE;
        int firstIndex = -1;
        int lastIndex = -1;
        for (int i = 0; i < n; i++) {
            long t = timestamps.get(i);
            ts[i] = t;
            if (t != AV_NOPTS_VALUE) {
                known++;
                if (firstIndex < 0) {
                    firstIndex = i;
                    firstKnown = t;
                }
                lastIndex = i;
                lastKnown = t;
            }
        }
        // Average interval from the known timestamps, else from the frames' own durations.
        double average;
        if (known >= 2 && lastIndex > firstIndex && lastKnown > firstKnown) {
            average = (double) (lastKnown - firstKnown) / (lastIndex - firstIndex);
        } else {
            long own = ownDurations.get(n - 1);
            average = own > 0 ? own : 0;
        }
        if (known < n) {
            // Fill gaps by stepping the average interval from the nearest earlier timestamp.
            long previous = firstIndex >= 0 ? firstKnown - Math.round(average * firstIndex) : 0;
            for (int i = 0; i < n; i++) {
                if (ts[i] == AV_NOPTS_VALUE) {
                    ts[i] = i == 0 ? previous : ts[i - 1] + Math.round(average);
                }
            }
        }
        long lastOwn = ownDurations.get(n - 1);
        long end = ts[n - 1] + (lastOwn > 0 ? lastOwn : Math.round(average));
        boolean backwards = false;
        long start = ts[0];
        long previousMs = 0;
        for (int i = 0; i < n; i++) {
            long next = i + 1 < n ? ts[i + 1] : end;
            long nextMs = Math.round((next - start) * 1000.0 * num / den);
            long duration = nextMs - previousMs;
            if (duration < 0) {
                backwards = true;
                duration = 0;
            } else {
                previousMs = nextMs;
            }
            result[i] = (int) Math.min(Integer.MAX_VALUE, duration);
        }
        if (backwards) {
            warnings.add("frame timestamps go backwards; those frames get 0 ms");
        }
        return result;
    }

    private static DecodeException fail(Path source, String reason) {
        return new DecodeException(source, StickerFormat.WEBM, reason);
    }

    /** Decoded pixels with their timestamps, in decode order. */
    private static final class Collected {
        final List<int[]> pixels = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        final List<Long> lastDurations = new ArrayList<>();

        void add(int[] argb, long timestamp, long duration) {
            pixels.add(argb);
            timestamps.add(timestamp);
            lastDurations.add(duration);
        }

        int size() {
            return pixels.size();
        }
    }

    /**
     * Converts decoded YUV(A) frames to packed ARGB at the canvas size with swscale. The context is rebuilt when
     * the source size or pixel format changes (VP9 may change resolution mid-stream; such frames are scaled to
     * the canvas).
     */
    private static final class Converter implements AutoCloseable {
        private final int width;
        private final int height;
        private final int stride;
        private final BytePointer output;
        private final PointerPointer<BytePointer> outputPlanes;
        private final IntPointer outputStrides;
        private SwsContext context;
        private int sourceWidth;
        private int sourceHeight;
        private int sourceFormat = -1;
        private int sourceColorspace = -1;
        private int sourceRange = -1;

        Converter(int width, int height) {
            this.width = width;
            this.height = height;
            this.stride = (width * 4 + 63) & ~63;
            long size = (long) stride * height;
            this.output = new BytePointer(av_malloc(size)).capacity(size);
            if (output.isNull()) {
                throw new OutOfMemoryError("av_malloc failed for a " + width + "x" + height + " frame");
            }
            this.outputPlanes = new PointerPointer<>(4);
            this.outputPlanes.put(0, output);
            this.outputStrides = new IntPointer(4);
            this.outputStrides.put(0, stride);
        }

        int[] convert(AVFrame frame, Path source) throws DecodeException {
            if (frame.width() < 1 || frame.height() < 1) {
                throw new DecodeException(source, StickerFormat.WEBM, "decoder returned an empty frame");
            }
            prepareContext(frame, source);

            int rows = sws_scale(context, frame.data(), frame.linesize(), 0, frame.height(), outputPlanes,
                    outputStrides);
            if (rows != height) {
                throw new DecodeException(source, StickerFormat.WEBM, "pixel conversion failed (" + rows
                        + " of " + height + " rows)");
            }

            // BGRA bytes read as little-endian ints are 0xAARRGGBB.
            int[] argb = new int[width * height];
            IntBuffer ints = output.position(0).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            int intsPerRow = stride / 4;
            for (int y = 0; y < height; y++) {
                ints.position(y * intsPerRow);
                ints.get(argb, y * width, width);
            }
            return argb;
        }

        /** Creates the swscale context for this frame's size, pixel format and colour space, unless it exists. */
        private void prepareContext(AVFrame frame, Path source) throws DecodeException {
            int w = frame.width();
            int h = frame.height();
            int pixelFormat = frame.format();
            if (context != null && w == sourceWidth && h == sourceHeight && pixelFormat == sourceFormat
                    && frame.colorspace() == sourceColorspace && frame.color_range() == sourceRange) {
                return;
            }
            if (context != null) {
                sws_freeContext(context);
                context = null;
            }

            context = sws_getContext(w, h, pixelFormat, width, height, AV_PIX_FMT_BGRA, SWS_FLAGS, null, null,
                    (DoublePointer) null);
            if (context == null || context.isNull()) {
                context = null;
                BytePointer name = av_get_pix_fmt_name(pixelFormat);
                throw new DecodeException(source, StickerFormat.WEBM, "cannot convert "
                        + (name == null || name.isNull() ? "pixel format " + pixelFormat : name.getString())
                        + " " + w + "x" + h + " to RGBA");
            }

            // sws_getCoefficients maps FFmpeg's colour-space codes (BT.709, BT.601, ...) and falls back to
            // BT.601, the VP8/VP9 default, for unspecified ones.
            int fullRange = frame.color_range() == AVCOL_RANGE_JPEG ? 1 : 0;
            sws_setColorspaceDetails(context, sws_getCoefficients(frame.colorspace()), fullRange,
                    sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
            sourceWidth = w;
            sourceHeight = h;
            sourceFormat = pixelFormat;
            sourceColorspace = frame.colorspace();
            sourceRange = frame.color_range();
        }

        @Override
        public void close() {
            if (context != null) {
                sws_freeContext(context);
                context = null;
            }
            av_free(output);
            outputPlanes.close();
            outputStrides.close();
        }
    }

    /** Checks whether the EBML Segment declares more bytes than the file holds. */
    static final class MatroskaSegment {
        private static final long EBML_ID = 0x1A45DFA3L;
        private static final long SEGMENT_ID = 0x18538067L;

        private MatroskaSegment() {}

        /** Returns a warning when the file is shorter than its Segment declares, else null. */
        static String truncation(byte[] bytes) {
            long[] header = readElementHeader(bytes, 0);
            if (header == null || header[0] != EBML_ID || header[2] < 0) {
                return null;
            }
            long offset = header[1] + header[2];
            if (offset > bytes.length) {
                return String.format(Locale.ROOT, "the file is truncated: its EBML header needs %d bytes, only %d"
                        + " are present", offset, bytes.length);
            }
            long[] segment = readElementHeader(bytes, (int) offset);
            if (segment == null || segment[0] != SEGMENT_ID || segment[2] < 0) {
                return null;
            }
            long end = offset + segment[1] + segment[2];
            if (end > bytes.length) {
                return String.format(Locale.ROOT, "the file is truncated: its Matroska segment ends at byte %d,"
                        + " but the file has %d bytes", end, bytes.length);
            }
            return null;
        }

        /** Returns {id, header length, data size (-1 when unknown)} of the element at {@code offset}, or null. */
        private static long[] readElementHeader(byte[] bytes, int offset) {
            if (offset >= bytes.length) {
                return null;
            }
            int idLength = vintLength(bytes[offset]);
            if (idLength < 1 || idLength > 4 || offset + idLength > bytes.length) {
                return null;
            }
            long id = 0;
            for (int i = 0; i < idLength; i++) {
                id = (id << 8) | (bytes[offset + i] & 0xFF);
            }
            int sizeOffset = offset + idLength;
            if (sizeOffset >= bytes.length) {
                return null;
            }
            int sizeLength = vintLength(bytes[sizeOffset]);
            if (sizeLength < 1 || sizeOffset + sizeLength > bytes.length) {
                return null;
            }
            long size = (bytes[sizeOffset] & 0xFF) & (0xFF >> sizeLength);
            boolean allOnes = size == (0xFF >> sizeLength);
            for (int i = 1; i < sizeLength; i++) {
                int b = bytes[sizeOffset + i] & 0xFF;
                allOnes &= b == 0xFF;
                size = (size << 8) | b;
            }
            return new long[] {id, idLength + sizeLength, allOnes ? -1 : size};
        }

        private static int vintLength(byte first) {
            int b = first & 0xFF;
            if (b == 0) {
                return -1;
            }
            return Integer.numberOfLeadingZeros(b) - 23;
        }
    }
}
