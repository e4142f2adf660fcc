package org.gse.model;

/**
 * Turns a text query into CLIP token ids: {@code <|startoftext|>}, BPE tokens, {@code <|endoftext|>}, padded to
 * the context length (77). This is the seam where the preprocessing engineer's {@code ClipTokenizer} plugs in.
 */
@FunctionalInterface
public interface TextTokenizer {

    /** Returns exactly {@code contextLength} ids (77 for CLIP). */
    long[] encode(String text);
}
