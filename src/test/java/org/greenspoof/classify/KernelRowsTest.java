package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.greenspoof.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

/** The kernel-row cache: bounded, and every row it serves equals a fresh computation, across swaps. */
class KernelRowsTest {

    @Test
    void rowsStayExactWithinTheBudgetThroughSwapsAndEvictions() {
        int n = 300, d = 7;
        SplittableRandom r = new SplittableRandom(5);
        float[][] x = new float[n][d];
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) (r.nextBoolean() ? 1 : -1);
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
        }
        float[][] original = x.clone();
        byte[] originalT = t.clone();
        int[] sampleAt = new int[n];
        for (int i = 0; i < n; i++) {
            sampleAt[i] = i;
        }
        long budgetBytes = 10L * n * Float.BYTES; // ten full rows, five times LIBSVM's floor of two
        KernelRows q = new KernelRows(x, t, 0.3, budgetBytes, KernelProvider.get());
        assertEquals(10L * n, q.capacityEntries());
        KernelRows fresh = new KernelRows(original.clone(), originalT.clone(), 0.3, budgetBytes, KernelProvider.get());
        for (int step = 0; step < 2000; step++) {
            if (r.nextInt(4) == 0) {
                int i = r.nextInt(n), j = r.nextInt(n);
                q.swap(i, j);
                int s = sampleAt[i];
                sampleAt[i] = sampleAt[j];
                sampleAt[j] = s;
            }
            int i = r.nextInt(n), len = 1 + r.nextInt(n);
            float[] row = q.row(i, len);
            for (int k = 0; k < len; k++) {
                // The same double expression rounded once to float, as cached: equal to the bit.
                double expected = originalT[sampleAt[i]] * originalT[sampleAt[k]] * fresh.kernel(sampleAt[i], sampleAt[k]);
                assertEquals((float) expected, row[k], "step " + step + " row " + i + " entry " + k);
            }
            assertTrue(q.cachedEntries() <= q.capacityEntries(), "step " + step + ": " + q.cachedEntries() + " cached");
        }
        assertTrue(q.computedEntries() > q.capacityEntries(), "the test evicted rows");
    }
}
