package org.greenspoof.kernels;

/**
 * What the scalar and vector kernels share: weights packed into column panels, and {@code linear}
 * split over the threads of the {@link ThreadPool} by row blocks when there are enough rows (each
 * thread packs only its rows of x), else by whole panels (each thread reads only its share of the
 * weights), or by row blocks when there are too few panels to share evenly. Every
 * output element is computed by the same instruction sequence whatever the split, so results do
 * not depend on the thread count.
 */
abstract class BlockedKernels implements Kernels {

    /** Below this many flops a product runs on the calling thread: waking a worker costs more. */
    private static final long MIN_PARALLEL_FLOPS = 1L << 21;
    /**
     * From this many rows per thread on, a product is split by rows: each thread then packs only
     * its own rows of x, where a split by column panels has every thread pack all of x (~10 % of a
     * 2-thread forward); the weights it reads in full stream from cache at a fraction of the FMA rate.
     */
    private static final int MIN_ROWS_PER_THREAD = 128;
    /** Elementwise GELU is split over the threads from this many elements on (~50 us of work). */
    private static final int MIN_PARALLEL_GELU = 1 << 15;

    private final int threads;
    private final ThreadLocal<LinearTask> tasks = ThreadLocal.withInitial(LinearTask::new);
    private final ThreadLocal<GeluTask> geluTasks = ThreadLocal.withInitial(GeluTask::new);

    BlockedKernels(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        }
        this.threads = threads;
    }

    @Override
    public final int threads() {
        return threads;
    }

    /** Floats the packed form of an n x k weight takes. */
    abstract long packedLength(int n, int k);

    /**
     * Writes the packed form of the n x k matrix with element (c, p) at
     * {@code w[off + c * rowStride + p * colStride]} into data[0, packedLength), padding included.
     * One of the strides is 1: rows in place ({@code colStride == 1}) or a transpose in place.
     */
    abstract void packInto(float[] w, int off, int rowStride, int colStride, int n, int k, float[] data);

    @Override
    public final PackedMatrix pack(float[] w, int n, int k) {
        return pack(w, n, k, null);
    }

    @Override
    public final PackedMatrix pack(float[] w, int n, int k, PackedMatrix reuse) {
        return pack(w, 0, k, n, k, reuse);
    }

    @Override
    public final PackedMatrix pack(float[] w, int off, int rowStride, int n, int k, PackedMatrix reuse) {
        if (n < 0 || k < 0 || off < 0 || rowStride < k
                || (n > 0 && k > 0 && (long) off + (long) (n - 1) * rowStride + k > w.length)) {
            throw new IllegalArgumentException("pack: " + n + " x " + k + " at row stride " + rowStride
                    + " from " + off + " does not fit w[" + w.length + "]");
        }
        return packed(w, off, rowStride, 1, n, k, reuse);
    }

    @Override
    public final PackedMatrix packTransposed(float[] wT, int off, int rowStride, int n, int k, PackedMatrix reuse) {
        if (n < 0 || k < 0 || off < 0 || rowStride < n
                || (n > 0 && k > 0 && (long) off + (long) (k - 1) * rowStride + n > wT.length)) {
            throw new IllegalArgumentException("packTransposed: " + n + " x " + k + " from its transpose at row stride "
                    + rowStride + " from " + off + " does not fit w[" + wT.length + "]");
        }
        return packed(wT, off, 1, rowStride, n, k, reuse);
    }

    private PackedMatrix packed(float[] w, int off, int rowStride, int colStride, int n, int k, PackedMatrix reuse) {
        long len = packedLength(n, k);
        PackedMatrix p = reuse;
        if (p == null || p.packer != getClass() || p.data.length < len) {
            if (len > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("pack: " + n + " x " + k + " is too large to pack");
            }
            p = new PackedMatrix(n, k, new float[(int) len], getClass());
        }
        p.n = n;
        p.k = k;
        packInto(w, off, rowStride, colStride, n, k, p.data);
        return p;
    }

    /** Output columns per packed weight panel. */
    abstract int panelWidth();

    /** Short name without the thread count. */
    abstract String baseName();

    /** GELU in place on x[off, off+n) on the calling thread. */
    abstract void geluRange(float[] x, int off, int n);

    /** Computes rows [r0, r1) of y for the output column panels [p0, p1). */
    abstract void linearBlock(float[] x, int xOff, int xStride, PackedMatrix w, float[] bias, float[] y, int yOff,
            int r0, int r1, int p0, int p1);

    @Override
    public final String name() {
        return baseName() + " x" + threads;
    }

    @Override
    public final void linear(float[] x, int xOff, int m, PackedMatrix w, float[] bias, float[] y, int yOff) {
        linear(x, xOff, w.k, m, w, bias, y, yOff);
    }

    @Override
    public final void linear(float[] x, int xOff, int xStride, int m, PackedMatrix w, float[] bias, float[] y,
            int yOff) {
        checkLinear(x, xOff, xStride, m, w, bias, y, yOff);
        int panels = panels(w.n);
        int parts = Math.min(threads, ThreadPool.shared().size());
        if (parts <= 1 || 2L * m * w.n * w.k < MIN_PARALLEL_FLOPS) {
            linearBlock(x, xOff, xStride, w, bias, y, yOff, 0, m, 0, panels);
            return;
        }
        LinearTask t = tasks.get();
        boolean byPanels = m < parts * MIN_ROWS_PER_THREAD && panels >= parts
                && (panels % parts == 0 || panels >= 4 * parts);
        t.set(x, xOff, xStride, m, w, bias, y, yOff, byPanels);
        try {
            ThreadPool.shared().run(parts, t);
        } finally {
            t.clear();
        }
    }

    @Override
    public final void gelu(float[] x, int off, int n) {
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        int parts = Math.min(threads, ThreadPool.shared().size());
        if (parts <= 1 || n < MIN_PARALLEL_GELU) {
            geluRange(x, off, n);
            return;
        }
        GeluTask t = geluTasks.get();
        t.x = x;
        t.off = off;
        t.n = n;
        try {
            ThreadPool.shared().run(parts, t);
        } finally {
            t.x = null;
        }
    }

    final int panels(int n) {
        return (n + panelWidth() - 1) / panelWidth();
    }

    private void checkLinear(float[] x, int xOff, int xStride, int m, PackedMatrix w, float[] bias, float[] y,
            int yOff) {
        if (w.packer != getClass()) {
            throw new IllegalArgumentException("weight packed by " + w.packer.getSimpleName() + ", not by "
                    + getClass().getSimpleName());
        }
        if (m < 0 || xOff < 0 || yOff < 0 || xStride < 0
                || (m > 0 && (long) xOff + (long) (m - 1) * xStride + w.k > x.length)
                || (long) yOff + (long) m * w.n > y.length || (bias != null && bias.length < w.n)) {
            throw new IllegalArgumentException("linear: m=" + m + " n=" + w.n + " k=" + w.k + " x stride " + xStride
                    + " does not fit x["
                    + x.length + "]@" + xOff + ", y[" + y.length + "]@" + yOff
                    + (bias == null ? "" : ", bias[" + bias.length + "]"));
        }
    }

    /** One caller's reusable GELU job: contiguous, 64-byte aligned shares of the range. */
    private final class GeluTask implements ThreadPool.Task {
        private float[] x;
        private int off;
        private int n;

        @Override
        public void run(int part, int parts) {
            int from = (int) ((long) n * part / parts) & ~15;
            int to = part + 1 == parts ? n : (int) ((long) n * (part + 1) / parts) & ~15;
            geluRange(x, off + from, to - from);
        }
    }

    /** One caller's reusable job description, so that a parallel call allocates nothing. */
    private final class LinearTask implements ThreadPool.Task {
        private float[] x;
        private int xOff;
        private int xStride;
        private int m;
        private PackedMatrix w;
        private float[] bias;
        private float[] y;
        private int yOff;
        private boolean byPanels;

        void set(float[] x, int xOff, int xStride, int m, PackedMatrix w, float[] bias, float[] y, int yOff,
                boolean byPanels) {
            this.x = x;
            this.xOff = xOff;
            this.xStride = xStride;
            this.m = m;
            this.w = w;
            this.bias = bias;
            this.y = y;
            this.yOff = yOff;
            this.byPanels = byPanels;
        }

        void clear() {
            set(null, 0, 0, 0, null, null, null, 0, false);
        }

        @Override
        public void run(int part, int parts) {
            int panels = panels(w.n);
            if (byPanels) {
                linearBlock(x, xOff, xStride, w, bias, y, yOff, 0, m, share(panels, part, parts),
                        share(panels, part + 1, parts));
            } else {
                int tile = rowTile();
                int tiles = (m + tile - 1) / tile;
                int r0 = Math.min(m, share(tiles, part, parts) * tile);
                int r1 = Math.min(m, share(tiles, part + 1, parts) * tile);
                linearBlock(x, xOff, xStride, w, bias, y, yOff, r0, r1, 0, panels);
            }
        }

        private int share(int units, int part, int parts) {
            return (int) ((long) units * part / parts);
        }
    }
}
