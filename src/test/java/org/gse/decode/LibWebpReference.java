package org.gse.decode;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference decoder for tests: libwebp's {@code WebPAnimDecoder} from Debian's {@code libwebpdemux2},
 * called through the FFM API. It decodes still and animated files alike into composited non-premultiplied RGBA
 * canvases, the output that {@link WebpDecoder} reproduces.
 *
 * <p>Bindings follow {@code webp/demux.h} of libwebp 1.2: the public {@code WebPAnimDecoderNew} and
 * {@code WebPAnimDecoderOptionsInit} are inline wrappers around the {@code ...Internal} symbols with the ABI
 * version {@code WEBP_DEMUX_ABI_VERSION} (0x0107); only its major byte must match.
 */
final class LibWebpReference {

    private static final int WEBP_DEMUX_ABI_VERSION = 0x0107;
    private static final int MODE_RGBA = 1;

    /** {@code WebPAnimDecoderOptions}: color_mode, use_threads, 7 padding words. */
    private static final long OPTIONS_SIZE = 36;

    /** {@code WebPAnimInfo}: canvas_width, canvas_height, loop_count, bgcolor, frame_count, 4 padding words. */
    private static final long INFO_SIZE = 36;

    /** A composited frame: {@code argb} in Java's packed ARGB, and its end time in milliseconds. */
    record ReferenceFrame(int width, int height, int[] argb, int timestampMs) {}

    private final MethodHandle optionsInit;
    private final MethodHandle decoderNew;
    private final MethodHandle getInfo;
    private final MethodHandle hasMoreFrames;
    private final MethodHandle getNext;
    private final MethodHandle delete;

    private LibWebpReference(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        optionsInit = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderOptionsInitInternal"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        decoderNew = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderNewInternal"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT));
        getInfo = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderGetInfo"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        hasMoreFrames = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderHasMoreFrames"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        getNext = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderGetNext"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS));
        delete = linker.downcallHandle(lookup.findOrThrow("WebPAnimDecoderDelete"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** Loads {@code libwebpdemux.so.2}, or returns empty when the library is not installed. */
    static Optional<LibWebpReference> load() {
        try {
            return Optional.of(new LibWebpReference(SymbolLookup.libraryLookup("libwebpdemux.so.2", Arena.global())));
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    /** Decodes a whole file into composited frames, in display order. */
    List<ReferenceFrame> decode(byte[] file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(file.length);
            MemorySegment.copy(file, 0, data, ValueLayout.JAVA_BYTE, 0, file.length);
            MemorySegment webpData = arena.allocate(16);
            webpData.set(ValueLayout.ADDRESS, 0, data);
            webpData.set(ValueLayout.JAVA_LONG, 8, file.length);

            MemorySegment options = arena.allocate(OPTIONS_SIZE);
            check((int) optionsInit.invokeExact(options, WEBP_DEMUX_ABI_VERSION), "WebPAnimDecoderOptionsInit");
            options.set(ValueLayout.JAVA_INT, 0, MODE_RGBA);
            MemorySegment decoder = (MemorySegment) decoderNew.invokeExact(webpData, options, WEBP_DEMUX_ABI_VERSION);
            if (decoder.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("libwebp rejected the file (WebPAnimDecoderNew returned NULL)");
            }
            try {
                MemorySegment info = arena.allocate(INFO_SIZE);
                check((int) getInfo.invokeExact(decoder, info), "WebPAnimDecoderGetInfo");
                int width = info.get(ValueLayout.JAVA_INT, 0);
                int height = info.get(ValueLayout.JAVA_INT, 4);

                List<ReferenceFrame> frames = new ArrayList<>();
                MemorySegment bufferPointer = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment timestamp = arena.allocate(ValueLayout.JAVA_INT);
                while ((int) hasMoreFrames.invokeExact(decoder) != 0) {
                    check((int) getNext.invokeExact(decoder, bufferPointer, timestamp), "WebPAnimDecoderGetNext");
                    MemorySegment rgba = bufferPointer.get(ValueLayout.ADDRESS, 0).reinterpret(4L * width * height);
                    int[] argb = new int[width * height];
                    for (int i = 0; i < argb.length; i++) {
                        int r = rgba.get(ValueLayout.JAVA_BYTE, 4L * i) & 0xFF;
                        int g = rgba.get(ValueLayout.JAVA_BYTE, 4L * i + 1) & 0xFF;
                        int b = rgba.get(ValueLayout.JAVA_BYTE, 4L * i + 2) & 0xFF;
                        int a = rgba.get(ValueLayout.JAVA_BYTE, 4L * i + 3) & 0xFF;
                        argb[i] = (a << 24) | (r << 16) | (g << 8) | b;
                    }
                    frames.add(new ReferenceFrame(width, height, argb, timestamp.get(ValueLayout.JAVA_INT, 0)));
                }
                return frames;
            } finally {
                delete.invokeExact(decoder);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling libwebp failed: " + e, e);
        }
    }

    private static void check(int status, String function) {
        if (status == 0) {
            throw new IllegalStateException(function + " failed");
        }
    }
}
