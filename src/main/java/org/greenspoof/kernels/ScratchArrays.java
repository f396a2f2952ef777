package org.greenspoof.kernels;

/** Reused buffers that grow on demand: the arrays of workspaces held across calls. */
public final class ScratchArrays {

    private ScratchArrays() {
    }

    /** {@code a} when it holds at least n floats, else a new array of n. */
    public static float[] atLeast(float[] a, long n) {
        return a.length >= n ? a : new float[Math.toIntExact(n)];
    }

    /** {@code a} when it holds at least n doubles, else a new array of n. */
    public static double[] atLeast(double[] a, long n) {
        return a.length >= n ? a : new double[Math.toIntExact(n)];
    }
}
