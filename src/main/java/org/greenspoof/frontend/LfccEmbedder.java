package org.greenspoof.frontend;

import org.greenspoof.store.Embedder;

/**
 * The LFCC front-end as an embedder: one "layer" (0), the 60 per-frame coefficients pooled to their
 * mean (60 values) or mean and population standard deviation (120).
 */
public final class LfccEmbedder implements Embedder.Factory {
    private final boolean withStd;

    /** @param pooling "mean" or "meanstd" */
    public LfccEmbedder(String pooling) {
        if (!pooling.equals("mean") && !pooling.equals("meanstd")) {
            throw new IllegalArgumentException("pooling must be mean or meanstd, not " + pooling);
        }
        this.withStd = pooling.equals("meanstd");
    }

    @Override
    public Embedder create() {
        Lfcc lfcc = new Lfcc();
        return audio -> new float[][] {lfcc.pooled(audio, withStd)};
    }

    @Override
    public String frontend() {
        return "lfcc";
    }

    @Override
    public String model() {
        return "LFCC (ASVspoof 2019 baseline: 20 ms Hamming, 10 ms hop, 512-point FFT, 20 linear filters, "
                + "20 coefficients + deltas + delta-deltas)";
    }

    @Override
    public String modelSha256() {
        return null;
    }

    @Override
    public int[] layers() {
        return new int[] {0};
    }

    @Override
    public String pooling() {
        return withStd ? "meanstd" : "mean";
    }

    @Override
    public int dim() {
        return withStd ? 2 * Lfcc.DIM : Lfcc.DIM;
    }
}
