package org.gse.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.model.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {

    @TempDir
    Path dir;

    @Test
    void floatsRoundTripThroughTheReader() throws Exception {
        Path file = dir.resolve("a.npy");
        float[] values = {1f, -2.5f, 3.25f, Float.MIN_VALUE, 1e30f, 0f};
        NpyWriter.writeFloats(file, new long[] {2, 3}, values);
        Npy.Array read = Npy.read(file);
        assertArrayEquals(new long[] {2, 3}, read.shape());
        assertArrayEquals(values, read.floats());
        assertEquals(0, Files.size(file) % 64 == 0 ? 0 : (Files.size(file) - values.length * 4) % 64,
                "the header is padded to a multiple of 64 bytes");
    }

    @Test
    void emptyMatrixAndLongsRoundTrip() throws Exception {
        Path empty = dir.resolve("empty.npy");
        NpyWriter.writeFloats(empty, new long[] {0, 512}, new float[0]);
        assertArrayEquals(new long[] {0, 512}, Npy.read(empty).shape());
        Path longs = dir.resolve("ids.npy");
        NpyWriter.writeLongs(longs, new long[] {3}, new long[] {49406, 7, 49407});
        assertArrayEquals(new long[] {49406, 7, 49407}, Npy.read(longs).longs());
    }

    @Test
    void rejectsAShapeThatDoesNotMatchTheValues() {
        assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.writeFloats(dir.resolve("bad.npy"), new long[] {2, 2}, new float[3]));
        assertEquals(0, dir.toFile().list().length, "no file and no temporary file is left behind");
    }
}
