package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.gse.TestData;
import org.gse.model.PickleReader.PickleException;
import org.gse.model.PickleReader.TensorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {

    @TempDir
    Path temp;

    @Test
    void maliciousGlobalIsRejectedByName() {
        Path file = TestData.resource("pickle/malicious.pt");
        CheckpointException error = assertThrows(CheckpointException.class, () -> TorchCheckpoint.readStateDict(file));
        assertTrue(error.getMessage().contains("refusing to load global os.system"), error.getMessage());
    }

    @Test
    void otherGlobalsAreRejectedWithoutBeingCalled() {
        for (String global : List.of("builtins\neval\n", "posix\nsystem\n", "subprocess\nPopen\n",
                "torch\nload\n", "collections\ndefaultdict\n", "numpy.core.multiarray\nscalar\n")) {
            byte[] pickle = ("\u0080\u0002c" + global + ")R.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            PickleException error = assertThrows(PickleException.class, () -> PickleReader.load(pickle));
            String name = global.strip().replace('\n', '.');
            assertTrue(error.getMessage().contains("refusing to load global " + name), error.getMessage());
        }
    }

    @Test
    void pickleValuesOfATrainingCheckpoint() throws IOException {
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(TestData.resource("clip/tiny/gse.pt"))) {
            Map<?, ?> root = assertInstanceOf(Map.class, checkpoint.root());
            assertEquals(3L, root.get("epoch"));
            assertEquals((1L << 40) + 7, root.get("step"));
            assertEquals(0.4321, root.get("loss"));
            assertEquals(Boolean.TRUE, root.get("best"));
            assertTrue(root.containsKey("note") && root.get("note") == null);
            Map<?, ?> optimizer = assertInstanceOf(Map.class, root.get("optimizer_state_dict"));
            Map<?, ?> group = assertInstanceOf(Map.class, ((List<?>) optimizer.get("param_groups")).getFirst());
            assertEquals(new PickleReader.Tuple(List.of(0.9, 0.98)), group.get("betas"));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), group.get("params"));
            Map<String, TensorRef> refs = checkpoint.stateDictRefs();
            assertEquals(ClipKeys.LOGIT_SCALE, refs.keySet().iterator().next());
            assertArrayEquals(new long[0], refs.get(ClipKeys.LOGIT_SCALE).shape());
        }
    }

    @Test
    void stridedViewsStorageOffsetsAndSharedStoragesMatchPyTorch() throws IOException {
        Map<String, Tensor> actual = TorchCheckpoint.readStateDict(TestData.resource("pickle/strided.pt"));
        Map<String, Tensor> expected = Safetensors.read(TestData.resource("pickle/strided_expected.safetensors"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            SafetensorsTest.assertBitsEqual(expected.get(name).data(), actual.get(name).data(), name);
        }
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(TestData.resource("pickle/strided.pt"))) {
            Map<String, TensorRef> refs = checkpoint.stateDictRefs();
            assertEquals(6, refs.get("offset_rows").offset());
            assertFalse(refs.get("transposed").isContiguous());
            assertEquals(refs.get("whole").storage(), refs.get("column").storage());
        }
    }

    @Test
    void legacyFormatAsksForAResave() {
        CheckpointException error = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.readStateDict(TestData.resource("pickle/legacy.pt")));
        assertTrue(error.getMessage().contains("legacy (torch < 1.6)") && error.getMessage().contains("torch.save("),
                error.getMessage());
    }

    @Test
    void notACheckpointIsReported() throws IOException {
        Path file = temp.resolve("notes.pt");
        Files.writeString(file, "hello");
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.readStateDict(file))
                .getMessage().contains("not a PyTorch checkpoint"));
        Path safetensors = temp.resolve("model.bin");
        Safetensors.write(safetensors, Map.of("x", new Tensor(new long[] {1}, new float[] {1})));
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.readStateDict(safetensors))
                .getMessage().contains("safetensors"));
    }

    @Test
    void missingStorageAndTruncatedPickleAreReported() throws IOException {
        // Copy gse.pt without one storage entry, and with data.pkl cut short.
        Path source = TestData.resource("clip/tiny/gse.pt");
        Path withoutStorage = temp.resolve("no-storage.pt");
        Path truncated = temp.resolve("truncated.pt");
        try (var zip = new java.util.zip.ZipFile(source.toFile());
                OutputStream a = Files.newOutputStream(withoutStorage);
                OutputStream b = Files.newOutputStream(truncated);
                ZipOutputStream outA = new ZipOutputStream(a);
                ZipOutputStream outB = new ZipOutputStream(b)) {
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (!entry.getName().equals("gse/data/3")) {
                    outA.putNextEntry(new ZipEntry(entry.getName()));
                    outA.write(bytes);
                }
                outB.putNextEntry(new ZipEntry(entry.getName()));
                outB.write(entry.getName().endsWith("data.pkl") ? java.util.Arrays.copyOf(bytes, bytes.length / 2) : bytes);
            }
        }
        String message = assertThrows(CheckpointException.class, () -> TorchCheckpoint.readStateDict(withoutStorage))
                .getMessage();
        assertTrue(message.contains("storage 3 is missing"), message);
        message = assertThrows(CheckpointException.class, () -> TorchCheckpoint.readStateDict(truncated)).getMessage();
        assertTrue(message.contains("truncated pickle"), message);
    }
}
