package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gse.model.Embedding;
import org.junit.jupiter.api.Test;

class EmotionProbeTest {

    private static final EmotionProbe.Settings SETTINGS = new EmotionProbe.Settings(5, 20, 0.1, 5, 200, 0.95, 11);

    /** Three emotion clusters in 16 dimensions, 20 stickers each, with noise of a tenth of the spread. */
    private static void clusters(List<Embedding> embeddings, List<String> labels, double noise) {
        Random random = new Random(5);
        String[] names = {"angry", "happy", "sad"};
        for (int i = 0; i < 60; i++) {
            int c = i % 3;
            float[] values = new float[16];
            values[c * 4] = 1;
            for (int d = 0; d < values.length; d++) {
                values[d] += (float) (noise * random.nextGaussian());
            }
            embeddings.add(Embedding.normalise(values));
            labels.add(names[c]);
        }
    }

    @Test
    void separableClustersClassified() {
        List<Embedding> embeddings = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        clusters(embeddings, labels, 0.1);
        EmotionProbe.Result result = EmotionProbe.evaluate(embeddings, labels, SETTINGS);

        assertEquals(List.of("angry", "happy", "sad"), result.classes());
        assertEquals(2, result.methods().size());
        for (EmotionProbe.MethodResult method : result.methods()) {
            assertTrue(method.accuracy().value() >= 0.95, method.method() + " accuracy "
                    + method.accuracy().value());
            assertTrue(method.macroF1().value() >= 0.95, method.method() + " macro-F1 "
                    + method.macroF1().value());
            long total = 0;
            for (long[] row : method.confusion()) {
                for (long count : row) {
                    total += count;
                }
            }
            assertEquals(60, total, "every sticker is predicted once");
        }
    }

    @Test
    void foldsAreStratified() {
        int[] truth = new int[50];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = i < 30 ? 0 : 1;
        }
        int[] fold = EmotionProbe.stratifiedFolds(truth, 2, 5, 3);
        for (int f = 0; f < 5; f++) {
            int zeros = 0;
            int ones = 0;
            for (int i = 0; i < truth.length; i++) {
                if (fold[i] == f) {
                    if (truth[i] == 0) {
                        zeros++;
                    } else {
                        ones++;
                    }
                }
            }
            assertEquals(6, zeros, "class 0 in fold " + f);
            assertEquals(4, ones, "class 1 in fold " + f);
        }
    }

    @Test
    void singleClassRejected() {
        List<Embedding> embeddings = List.of(Embedding.normalise(new float[] {1, 0}),
                Embedding.normalise(new float[] {0, 1}));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> EmotionProbe.evaluate(embeddings, List.of("happy", "happy"), SETTINGS));
        assertTrue(error.getMessage().contains("2 classes"), error.getMessage());
    }
}
