package org.greenspoof.kernels;

/**
 * A weight matrix of shape [n][k] prepared by one {@link Kernels} implementation for its own
 * {@code linear}. The layout of {@link #data} belongs to that implementation ({@link #packer});
 * handing it to another implementation is an error.
 */
public final class PackedMatrix {
    /** Rewritten when {@link Kernels#pack(float[], int, int, PackedMatrix)} reuses the storage. */
    int n;
    int k;
    final float[] data;
    final Class<?> packer;

    PackedMatrix(int n, int k, float[] data, Class<?> packer) {
        this.n = n;
        this.k = k;
        this.data = data;
        this.packer = packer;
    }

    /** Output columns (rows of the original weight). */
    public int n() {
        return n;
    }

    /** Inner dimension. */
    public int k() {
        return k;
    }
}
