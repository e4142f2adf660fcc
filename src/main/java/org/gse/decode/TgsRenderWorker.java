package org.gse.decode;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The worker process that renders one TGS (Lottie JSON) with rlottie for {@link TgsDecoder}. It runs in its own
 * JVM so that a renderer that hangs or crashes on a hostile file costs the parent one {@link DecodeException},
 * never a hung or dead JVM. It uses only JDK classes, so its class path is just the gse classes.
 *
 * <p>Usage: {@code TgsRenderWorker WIDTH HEIGHT MAX_FRAMES JSON_BYTES}, with the JSON document (already
 * decompressed and checked by the parent) on standard input; or {@code TgsRenderWorker --check} to test that
 * librlottie loads. The output on standard output is {@link TgsProtocol}: a header, then each frame's raw
 * premultiplied BGRA bytes behind a marker, then an end marker. Errors are one line on standard error starting
 * with {@value #ERROR_PREFIX}, with exit status {@value #EXIT_USAGE} (usage), {@value #EXIT_NO_LIBRARY} (librlottie
 * missing) or {@value #EXIT_REJECTED} (the document was refused).
 *
 * <p>Test hook: the system property {@code gse.tgs.worker.testHook} set to {@code sleep} makes the worker hang,
 * and {@code crash} makes rlottie write through a null pointer (a real native crash). Only tests set it.
 */
public final class TgsRenderWorker {

    static final String ERROR_PREFIX = "gse-tgs-worker: error: ";
    static final int EXIT_USAGE = 2;
    static final int EXIT_NO_LIBRARY = 3;
    static final int EXIT_REJECTED = 4;

    private TgsRenderWorker() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Throwable t) {
            System.err.println(ERROR_PREFIX + "renderer failed: " + t);
            System.exit(1);
        }
    }

    private static int run(String[] args) throws Throwable {
        if (args.length == 1 && args[0].equals("--check")) {
            return loadLibrary() == null ? EXIT_NO_LIBRARY : 0;
        }
        if (args.length != 4) {
            System.err.println(ERROR_PREFIX + "usage: TgsRenderWorker WIDTH HEIGHT MAX_FRAMES JSON_BYTES | --check");
            return EXIT_USAGE;
        }
        int width = Integer.parseInt(args[0]);
        int height = Integer.parseInt(args[1]);
        long maxFrames = Long.parseLong(args[2]);
        int jsonBytes = Integer.parseInt(args[3]);
        byte[] json = readExactly(System.in, jsonBytes);
        if (json == null) {
            System.err.println(ERROR_PREFIX + "standard input ended before " + jsonBytes + " bytes of JSON");
            return EXIT_USAGE;
        }

        String hook = System.getProperty("gse.tgs.worker.testHook", "");
        if (hook.equals("sleep")) {
            Thread.sleep(Long.MAX_VALUE);
        }
        Rlottie rlottie = loadLibrary();
        if (rlottie == null) {
            return EXIT_NO_LIBRARY;
        }
        if (hook.equals("crash")) {
            rlottie.renderIntoNull(json);
            System.err.println(ERROR_PREFIX + "crash test hook did not crash");
            return 1;
        }

        FileChannel out = new FileOutputStream(FileDescriptor.out).getChannel();
        ByteBuffer marker = ByteBuffer.allocate(8);
        try {
            rlottie.render(json, width, height, info -> {
                if (info.totalFrames() < 1 || info.totalFrames() > maxFrames) {
                    throw new IllegalArgumentException("rlottie reports " + info.totalFrames()
                            + " frames; the limit is " + maxFrames);
                }
                if (!(info.frameRate() > 0) || info.frameRate() > TgsProtocol.MAX_FRAME_RATE) {
                    throw new IllegalArgumentException("rlottie reports a frame rate of " + info.frameRate());
                }
                writeFully(out, TgsProtocol.header(width, height, (int) info.totalFrames(), info.frameRate()));
            }, (index, pixels) -> {
                marker.clear();
                marker.putInt(TgsProtocol.FRAME_MARKER).putInt(index).flip();
                writeFully(out, marker);
                writeFully(out, pixels.asByteBuffer());
            });
        } catch (IllegalArgumentException e) {
            System.err.println(ERROR_PREFIX + e.getMessage());
            return EXIT_REJECTED;
        }
        marker.clear();
        marker.putInt(TgsProtocol.END_MARKER).putInt(0).flip();
        writeFully(out, marker);
        return 0;
    }

    private static Rlottie loadLibrary() {
        try {
            return Rlottie.load();
        } catch (IllegalStateException e) {
            System.err.println(ERROR_PREFIX + e.getMessage());
            return null;
        }
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] data = in.readNBytes(length);
        return data.length == length ? data : null;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** The stream format between worker and parent; all integers big-endian. */
    static final class TgsProtocol {
        static final byte[] MAGIC = "GSETGS01".getBytes(StandardCharsets.US_ASCII);
        static final int FRAME_MARKER = 0x46524D45; // "FRME"
        static final int END_MARKER = 0x454E4421; // "END!"
        static final double MAX_FRAME_RATE = 1000;
        static final int HEADER_BYTES = MAGIC.length + 4 + 4 + 4 + 8;

        private TgsProtocol() {}

        static ByteBuffer header(int width, int height, int frames, double frameRate) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            header.put(MAGIC).putInt(width).putInt(height).putInt(frames).putDouble(frameRate).flip();
            return header;
        }
    }
}
