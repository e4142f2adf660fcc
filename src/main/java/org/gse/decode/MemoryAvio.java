package org.gse.decode;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * An FFmpeg {@link AVIOContext} that reads a Java byte array, so a sticker is demuxed straight from memory.
 *
 * <p>Reading from memory rather than a temporary file avoids a disk write per sticker, a file to clean up after a
 * crash, and a second copy of untrusted bytes on disk. JavaCPP can create only a few native thunks per callback
 * class, so the read and seek callbacks are two shared static instances; each context's {@code opaque} pointer is a
 * small native allocation whose address keys its input in a concurrent map. That keeps concurrent decodes on
 * different threads apart.
 *
 * <p>Close it after {@code avformat_close_input}, which does not free custom I/O contexts.
 */
final class MemoryAvio implements AutoCloseable {

    private static final int BUFFER_SIZE = 32 * 1024;
    private static final Map<Long, MemoryAvio> OPEN = new ConcurrentHashMap<>();

    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            MemoryAvio input = OPEN.get(opaque.address());
            return input == null ? AVERROR_EOF : input.read(buffer, size);
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            MemoryAvio input = OPEN.get(opaque.address());
            return input == null ? -1 : input.seek(offset, whence);
        }
    };

    private final byte[] data;
    private final LongPointer key;
    private AVIOContext context;
    private int position;
    private boolean reachedEnd;

    MemoryAvio(byte[] data) {
        this.data = data;
        this.key = new LongPointer(1);
        OPEN.put(key.address(), this);
        BytePointer buffer = new BytePointer(av_malloc(BUFFER_SIZE)).capacity(BUFFER_SIZE);
        if (buffer.isNull()) {
            close();
            throw new OutOfMemoryError("av_malloc failed for the FFmpeg I/O buffer");
        }
        context = avio_alloc_context(buffer, BUFFER_SIZE, 0, key, READ, null, SEEK);
        if (context == null || context.isNull()) {
            av_free(buffer);
            close();
            throw new OutOfMemoryError("avio_alloc_context failed");
        }
    }

    AVIOContext context() {
        return context;
    }

    /** True once the demuxer has asked for bytes past the end of the input. */
    boolean reachedEnd() {
        return reachedEnd;
    }

    private int read(BytePointer buffer, int size) {
        int n = Math.min(size, data.length - position);
        if (n <= 0) {
            reachedEnd = true;
            return AVERROR_EOF;
        }
        buffer.position(0).capacity(size).put(data, position, n);
        position += n;
        return n;
    }

    private long seek(long offset, int whence) {
        int mode = whence & ~AVSEEK_FORCE;
        if (mode == AVSEEK_SIZE) {
            return data.length;
        }
        long target = switch (mode) {
            case 0 -> offset; // SEEK_SET
            case 1 -> position + offset; // SEEK_CUR
            case 2 -> data.length + offset; // SEEK_END
            default -> -1;
        };
        if (target < 0 || target > data.length) {
            return -1;
        }
        position = (int) target;
        return target;
    }

    @Override
    public void close() {
        if (context != null && !context.isNull()) {
            // avio may have replaced the buffer it was given, so free the one it uses now.
            av_free(context.buffer());
            context.buffer(null);
            avio_context_free(context);
            context = null;
        }
        OPEN.remove(key.address());
        key.close();
    }
}
