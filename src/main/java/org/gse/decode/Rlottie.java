package org.gse.decode;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Bindings to rlottie's C API ({@code rlottie_capi.h}) through the Java FFM API, for Debian's
 * {@code librlottie0-1} ({@code librlottie.so.0-1}).
 *
 * <p>rlottie parses and renders untrusted input in native code: a crafted file can hang it or crash the process,
 * and a null argument kills it. {@link TgsDecoder} therefore only calls this from {@link TgsRenderWorker}, a
 * separate JVM it can kill. Calling it in process is for trusted input only (the decode benchmark uses it to
 * measure the worker's overhead).
 *
 * <p>Frames are rendered premultiplied ARGB32: each pixel is a native-endian {@code uint32_t} {@code 0xAARRGGBB},
 * so the bytes in memory are B, G, R, A on x86. {@link #unpremultiply(int)} converts one pixel.
 */
public final class Rlottie {

    /** Library names tried in order, unless the {@code gse.rlottie.library} system property names one to use. */
    static final List<String> LIBRARY_NAMES =
            List.of("librlottie.so.0-1", "librlottie.so.0", "librlottie.so", "/usr/lib/x86_64-linux-gnu/librlottie.so.0-1");

    /** Install instruction for users who lack the library. */
    public static final String INSTALL_HINT = "install it with 'apt-get install librlottie0-1' (Debian/Ubuntu)";

    private final MethodHandle fromData;
    private final MethodHandle destroy;
    private final MethodHandle getSize;
    private final MethodHandle getTotalFrame;
    private final MethodHandle getFrameRate;
    private final MethodHandle render;

    private Rlottie(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        fromData = linker.downcallHandle(find(library, "lottie_animation_from_data"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        destroy = linker.downcallHandle(find(library, "lottie_animation_destroy"), FunctionDescriptor.ofVoid(ADDRESS));
        getSize = linker.downcallHandle(find(library, "lottie_animation_get_size"),
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        getTotalFrame = linker.downcallHandle(find(library, "lottie_animation_get_totalframe"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        getFrameRate = linker.downcallHandle(find(library, "lottie_animation_get_framerate"),
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
        render = linker.downcallHandle(find(library, "lottie_animation_render"),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    /**
     * Loads librlottie (the library stays loaded for the life of the JVM).
     *
     * @throws IllegalStateException when no library could be loaded, with a message that explains how to install it
     */
    public static Rlottie load() {
        String configured = System.getProperty("gse.rlottie.library");
        List<String> names = configured != null && !configured.isBlank() ? List.of(configured) : LIBRARY_NAMES;
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                return new Rlottie(SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException e) {
                failures.add(name);
            }
        }
        throw new IllegalStateException("the TGS renderer library librlottie is not installed (tried "
                + String.join(", ", failures) + "); " + INSTALL_HINT);
    }

    private static MemorySegment find(SymbolLookup library, String symbol) {
        return library.find(symbol).orElseThrow(() -> new IllegalStateException(
                "librlottie lacks " + symbol + "; " + INSTALL_HINT));
    }

    /** Metadata rlottie reports for a loaded animation. */
    public record Info(long width, long height, long totalFrames, double frameRate) {}

    /** Receiver of rendered frames: {@code pixels} contains {@code width * height} premultiplied ARGB32 pixels. */
    @FunctionalInterface
    public interface FrameSink {
        void accept(int index, MemorySegment pixels) throws Exception;
    }

    /** Called with rlottie's metadata before any frame is rendered; may throw to refuse the animation. */
    @FunctionalInterface
    public interface InfoCheck {
        void check(Info info) throws Exception;
    }

    /**
     * Loads a Lottie JSON document and renders frames {@code 0 .. totalFrames-1} at {@code width x height}, one at
     * a time into one native buffer handed to {@code sink}. Frame numbers are relative to the document's
     * {@code ip}: rlottie adds the start frame itself.
     *
     * @param json UTF-8 JSON, without a terminating NUL
     * @throws IllegalArgumentException when rlottie cannot load the document
     */
    public Info render(byte[] json, int width, int height, InfoCheck check, FrameSink sink) throws Exception {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("invalid render size " + width + "x" + height);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(json.length + 1L);
            MemorySegment.copy(json, 0, data, JAVA_BYTE, 0, json.length);
            data.set(JAVA_BYTE, json.length, (byte) 0);
            // A per-call key keeps rlottie's model cache from handing back another document's model.
            MemorySegment key = arena.allocateFrom("gse-" + System.nanoTime());
            MemorySegment resourcePath = arena.allocateFrom("");
            MemorySegment animation = (MemorySegment) fromData.invokeExact(data, key, resourcePath);
            if (animation.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("rlottie could not load the animation (not a Lottie document"
                        + " it understands)");
            }
            try {
                MemorySegment w = arena.allocate(JAVA_LONG);
                MemorySegment h = arena.allocate(JAVA_LONG);
                getSize.invokeExact(animation, w, h);
                long totalFrames = (long) getTotalFrame.invokeExact(animation);
                double frameRate = (double) getFrameRate.invokeExact(animation);
                Info info = new Info(w.get(JAVA_LONG, 0), h.get(JAVA_LONG, 0), totalFrames, frameRate);
                check.check(info);
                long stride = 4L * width;
                MemorySegment buffer = arena.allocate(stride * height, 64);
                for (long frame = 0; frame < totalFrames; frame++) {
                    buffer.fill((byte) 0);
                    render.invokeExact(animation, frame, buffer, (long) width, (long) height, stride);
                    sink.accept((int) frame, buffer);
                }
                return info;
            } finally {
                destroy.invokeExact(animation);
            }
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Renders one frame into a null buffer: rlottie then writes through a null pointer. For crash tests only. */
    void renderIntoNull(byte[] json) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(json.length + 1L);
            MemorySegment.copy(json, 0, data, JAVA_BYTE, 0, json.length);
            MemorySegment animation = (MemorySegment) fromData.invokeExact(data, arena.allocateFrom("crash"),
                    arena.allocateFrom(""));
            render.invokeExact(animation, 0L, MemorySegment.NULL, 64L, 64L, 256L);
        }
    }

    /**
     * Converts one premultiplied ARGB pixel to non-premultiplied: {@code c = round(c' * 255 / a)}, clamped to 255;
     * fully transparent pixels become 0.
     */
    public static int unpremultiply(int argb) {
        int a = argb >>> 24;
        if (a == 255) {
            return argb;
        }
        if (a == 0) {
            return 0;
        }
        int r = Math.min(255, (((argb >> 16) & 0xFF) * 255 + a / 2) / a);
        int g = Math.min(255, (((argb >> 8) & 0xFF) * 255 + a / 2) / a);
        int b = Math.min(255, ((argb & 0xFF) * 255 + a / 2) / a);
        return (a << 24) | (r << 16) | (g << 8) | b;
    }
}
