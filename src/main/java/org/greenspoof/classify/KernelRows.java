package org.greenspoof.classify;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.ThreadPool;

/**
 * The rows of the SMO matrix {@code Q[i][k] = t_i t_k exp(-gamma ||x_i - x_k||^2)} of an RBF
 * support vector machine, computed on demand (in parallel on the shared thread pool) and kept in a
 * least-recently-used cache of at most a given number of bytes, as LIBSVM's {@code Cache} does:
 * a row is indexed by the solver's current position of the sample and holds the entries for
 * positions {@code [0, len)}; asking for a longer row extends the cached one. When the solver swaps
 * two positions (shrinking), cached rows are permuted to match, and a row that holds one of the two
 * entries but not the other is dropped. Entries are floats, as in LIBSVM ({@code Qfloat}).
 */
final class KernelRows {

    /** Bytes per cached entry. */
    private static final int ENTRY_BYTES = Float.BYTES;
    /** Rows shorter than this are filled on the calling thread: splitting them costs more than it saves. */
    private static final int PARALLEL_MIN_ENTRIES = 2048;

    private final Kernels kernels;
    private final float[][] x;
    private final double[] squares;
    private final byte[] t;
    private final double gamma;
    private final long capacityEntries;
    private long usedEntries;
    private long computedEntries;
    /** Position to row, least recently used first. */
    private final LinkedHashMap<Integer, float[]> rows = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param x          samples by position (the array is permuted in place by {@link #swap})
     * @param t          labels +1 / -1 by position (permuted in place too)
     * @param cacheBytes cache budget; at least two full rows are always allowed, as in LIBSVM
     * @param kernels    computes the dot products (in double)
     */
    KernelRows(float[][] x, byte[] t, double gamma, long cacheBytes, Kernels kernels) {
        this.kernels = kernels;
        this.x = x;
        this.t = t;
        this.gamma = gamma;
        this.squares = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            squares[i] = dot(x[i], x[i]);
        }
        this.capacityEntries = Math.max(cacheBytes / ENTRY_BYTES, 2L * x.length);
    }

    private double dot(float[] a, float[] b) {
        return kernels.dotDouble(a, b, a.length);
    }

    /** {@code K(i, k)} for positions i and k. */
    double kernel(int i, int k) {
        return Math.exp(-gamma * (squares[i] + squares[k] - 2 * dot(x[i], x[k])));
    }

    /** Row i of Q for positions [0, len); the array may be longer and must not be written. */
    float[] row(int i, int len) {
        float[] r = rows.get(i);
        int start = r == null ? 0 : r.length;
        if (start >= len) {
            return r;
        }
        if (r != null) {
            rows.remove(i);
            usedEntries -= r.length;
        }
        Iterator<float[]> lru = rows.values().iterator();
        while (usedEntries + len > capacityEntries && lru.hasNext()) {
            usedEntries -= lru.next().length;
            lru.remove();
        }
        float[] out = r == null ? new float[len] : java.util.Arrays.copyOf(r, len);
        fill(i, out, start, len);
        computedEntries += len - start;
        rows.put(i, out);
        usedEntries += len;
        return out;
    }

    private void fill(int i, float[] out, int from, int to) {
        int n = to - from;
        ThreadPool pool = ThreadPool.shared();
        int parts = n < PARALLEL_MIN_ENTRIES ? 1 : pool.size();
        pool.run(parts, (part, count) -> {
            int a = from + (int) ((long) n * part / count), b = from + (int) ((long) n * (part + 1) / count);
            float[] xi = x[i];
            double si = squares[i];
            int ti = t[i];
            for (int k = a; k < b; k++) {
                out[k] = (float) (ti * t[k] * Math.exp(-gamma * (si + squares[k] - 2 * dot(xi, x[k]))));
            }
        });
    }

    /** Swaps positions i and j: samples, labels, squared norms and the cached rows' entries. */
    void swap(int i, int j) {
        if (i == j) {
            return;
        }
        int lo = Math.min(i, j), hi = Math.max(i, j);
        float[] xi = x[i];
        x[i] = x[j];
        x[j] = xi;
        byte ti = t[i];
        t[i] = t[j];
        t[j] = ti;
        double si = squares[i];
        squares[i] = squares[j];
        squares[j] = si;
        float[] ri = rows.remove(i), rj = rows.remove(j);
        if (ri != null) {
            rows.put(j, ri);
        }
        if (rj != null) {
            rows.put(i, rj);
        }
        for (Iterator<Map.Entry<Integer, float[]>> it = rows.entrySet().iterator(); it.hasNext(); ) {
            float[] r = it.next().getValue();
            if (r.length > hi) {
                float v = r[lo];
                r[lo] = r[hi];
                r[hi] = v;
            } else if (r.length > lo) {
                usedEntries -= r.length;
                it.remove();
            }
        }
    }

    /** Entries held by the cache now; never above {@link #capacityEntries()}. */
    long cachedEntries() {
        return usedEntries;
    }

    long capacityEntries() {
        return capacityEntries;
    }

    /** Kernel entries computed so far (a measure of the work done). */
    long computedEntries() {
        return computedEntries;
    }
}
