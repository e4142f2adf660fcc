package org.gse.model;

/**
 * A sticker or text embedding: an L2-normalised float vector, so the cosine of two embeddings is their dot
 * product.
 */
public record Embedding(float[] vector) {

    public Embedding {
        if (vector.length == 0) {
            throw new IllegalArgumentException("an embedding needs at least one dimension");
        }
    }

    /** Returns a unit vector in the direction of {@code values}; an all-zero input is rejected. */
    public static Embedding normalise(float[] values) {
        double sumOfSquares = 0;
        for (float value : values) {
            sumOfSquares += (double) value * value;
        }
        if (sumOfSquares == 0 || !Double.isFinite(sumOfSquares)) {
            throw new IllegalArgumentException("cannot normalise a vector with norm " + Math.sqrt(sumOfSquares));
        }
        double inverseNorm = 1.0 / Math.sqrt(sumOfSquares);
        float[] unit = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            unit[i] = (float) (values[i] * inverseNorm);
        }
        return new Embedding(unit);
    }

    /** Returns the mean of several embeddings, re-normalised: how frames of one animated sticker combine. */
    public static Embedding meanOf(java.util.List<Embedding> embeddings) {
        int size = embeddings.getFirst().vector().length;
        float[] sum = new float[size];
        for (Embedding embedding : embeddings) {
            if (embedding.vector().length != size) {
                throw new IllegalArgumentException("embedding sizes differ: " + size + " and "
                        + embedding.vector().length);
            }
            for (int i = 0; i < size; i++) {
                sum[i] += embedding.vector()[i];
            }
        }
        return normalise(sum);
    }

    /** Returns the cosine similarity with {@code other}, which for unit vectors is the dot product. */
    public double cosine(Embedding other) {
        if (other.vector.length != vector.length) {
            throw new IllegalArgumentException("embedding sizes differ: " + vector.length + " and "
                    + other.vector.length);
        }
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += (double) vector[i] * other.vector[i];
        }
        return dot;
    }

    public int size() {
        return vector.length;
    }
}
