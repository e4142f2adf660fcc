package org.gse.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.VectorUtil;
import org.gse.model.Embedding;

/**
 * Groups near-duplicate stickers: the connected components of the graph that links two stickers when the cosine
 * of their embeddings is at least the threshold. Linking is transitive, so a chain a~b~c forms one group even
 * when cos(a, c) is below the threshold; this is single-linkage clustering cut at the threshold.
 *
 * <p>Every pair is compared exactly, n(n-1)/2 dot products, so the cost grows with the square of the number of
 * stickers (about 5·10^7 products for 10,000 stickers).
 */
public final class NearDuplicates {

    private NearDuplicates() {}

    /**
     * A group of two or more stickers.
     *
     * @param members indices into the input, ascending
     * @param minCosine the smallest cosine of a link that joined the group (not of every pair)
     */
    public record Group(List<Integer> members, double minCosine) {}

    /**
     * Returns the groups of at least two stickers, largest first, then by first member.
     *
     * @param embeddings unit vectors of equal size
     * @param threshold cosine at or above which two stickers are linked, in [-1, 1]
     */
    public static List<Group> group(List<Embedding> embeddings, double threshold) {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be a cosine in [-1, 1], got " + threshold);
        }
        int n = embeddings.size();
        int[] parent = new int[n];
        double[] minLink = new double[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            minLink[i] = Double.POSITIVE_INFINITY;
        }

        for (int i = 0; i < n; i++) {
            float[] a = embeddings.get(i).vector();
            for (int j = i + 1; j < n; j++) {
                float[] b = embeddings.get(j).vector();
                if (a.length != b.length) {
                    throw new IllegalArgumentException("embedding sizes differ: " + a.length + " at " + i + " and "
                            + b.length + " at " + j);
                }
                double cosine = VectorUtil.dotProduct(a, b);
                if (cosine >= threshold) {
                    union(parent, minLink, i, j, cosine);
                }
            }
        }

        Map<Integer, List<Integer>> components = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            components.computeIfAbsent(find(parent, i), root -> new ArrayList<>()).add(i);
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> component : components.entrySet()) {
            if (component.getValue().size() > 1) {
                groups.add(new Group(List.copyOf(component.getValue()), minLink[component.getKey()]));
            }
        }
        groups.sort(Comparator.<Group>comparingInt(group -> -group.members().size())
                .thenComparingInt(group -> group.members().getFirst()));
        return groups;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, double[] minLink, int i, int j, double cosine) {
        int rootI = find(parent, i);
        int rootJ = find(parent, j);
        int root = Math.min(rootI, rootJ);
        int other = Math.max(rootI, rootJ);
        parent[other] = root;
        minLink[root] = Math.min(Math.min(minLink[root], minLink[other]), cosine);
    }
}
