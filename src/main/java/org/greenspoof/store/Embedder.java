package org.greenspoof.store;

/**
 * Turns one 16 kHz utterance into one pooled vector per requested layer. Instances need not be
 * thread-safe: the embed job makes one per worker thread from a {@link Factory}.
 */
public interface Embedder {

    /** {@code [layers().length][dim()]}: the pooled embedding of each requested layer, in request order. */
    float[][] embed(float[] audio16k);

    /** Creates embedders and describes what they compute, for the store header. */
    interface Factory {
        Embedder create();

        /** "lfcc" or "encoder". */
        String frontend();

        /** What computes the embeddings: a checkpoint folder and type, or the front-end's definition. */
        String model();

        /** SHA-256 of the checkpoint weights, or null for a front-end without weights. */
        String modelSha256();

        int[] layers();

        /** "mean" or "meanstd". */
        String pooling();

        int dim();
    }
}
