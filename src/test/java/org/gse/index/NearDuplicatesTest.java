package org.gse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.gse.model.Embedding;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {

    private static Embedding at(double degrees) {
        double radians = Math.toRadians(degrees);
        return new Embedding(new float[] {(float) Math.cos(radians), (float) Math.sin(radians), 0});
    }

    @Test
    void chainFormsOneGroup() {
        // 0°, 15°, 30° and 90°: neighbours 15° apart have cosine 0.9659, the ends 30° apart 0.8660.
        List<Embedding> embeddings = List.of(at(0), at(15), at(30), at(90));
        List<NearDuplicates.Group> groups = NearDuplicates.group(embeddings, 0.95);
        assertEquals(1, groups.size());
        assertEquals(List.of(0, 1, 2), groups.getFirst().members());
        assertEquals(Math.cos(Math.toRadians(15)), groups.getFirst().minCosine(), 1e-6);
    }

    @Test
    void thresholdAboveEveryPairGivesNoGroups() {
        assertEquals(List.of(), NearDuplicates.group(List.of(at(0), at(15), at(30)), 0.97));
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.group(List.of(at(0)), 1.5));
    }

    @Test
    void groupsSortedBySize() {
        List<Embedding> embeddings = List.of(at(90), at(0), at(91), at(1), at(2));
        List<NearDuplicates.Group> groups = NearDuplicates.group(embeddings, 0.99);
        assertEquals(2, groups.size());
        assertEquals(List.of(1, 3, 4), groups.get(0).members());
        assertEquals(List.of(0, 2), groups.get(1).members());
    }
}
