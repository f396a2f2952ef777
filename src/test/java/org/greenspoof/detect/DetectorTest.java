package org.greenspoof.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The window bookkeeping and the envelope (scoring itself: DetectCommandTest and DetectorStreamingTest). */
class DetectorTest {

    @Test
    void overlappingOrTouchingSpoofWindowsMergeIntoSpans() {
        List<Detector.Span> spans = Detector.spoofedSpans(List.of(seg(0, 4, false), seg(2, 6, false), seg(4, 8, true),
                seg(6, 10, false), seg(10, 14, false), seg(16, 20, false)));
        assertEquals(List.of(new Detector.Span(0, 14), new Detector.Span(16, 20)), spans);
        assertEquals(List.of(), Detector.spoofedSpans(List.of(seg(0, 4, true))));
    }

    @Test
    void windowingRefusesAHopLongerThanTheWindow() {
        assertThrows(IllegalArgumentException.class, () -> new Detector.Windowing(2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Detector.Windowing(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Detector.Windowing(Double.POSITIVE_INFINITY, 1, 0));
    }

    /**
     * Below MAX_BLOCKS samples the streamed envelope is the whole-array one exactly, whatever the
     * pieces; beyond, each bucket is the extremes of its stretch give or take one block at each edge.
     */
    @Test
    void envelopeInPiecesMatchesTheWholeArray() {
        java.util.Random r = new java.util.Random(3);
        for (int n : new int[] {0, 1, 799, 800, 801, 5000, Detector.Envelope.Builder.MAX_BLOCKS, 3_000_017}) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (r.nextGaussian() * (1 + Math.sin(i * 1e-4)));
            }
            Detector.Envelope.Builder b = new Detector.Envelope.Builder();
            for (int at = 0; at < n; ) {
                int k = Math.min(n - at, 1 + r.nextInt(9000));
                b.add(x, at, k);
                at += k;
            }
            Detector.Envelope got = b.build();
            int buckets = Math.max(1, Math.min(Detector.Envelope.BUCKETS, n));
            assertEquals(buckets, got.min().length);
            if (n < Detector.Envelope.Builder.MAX_BLOCKS) {
                Detector.Envelope whole = exact(x, buckets, 0);
                assertArrayEquals(whole.min(), got.min(), "n " + n);
                assertArrayEquals(whole.max(), got.max(), "n " + n);
                continue;
            }
            int block = (int) Math.ceil(2.0 * n / Detector.Envelope.Builder.MAX_BLOCKS);
            Detector.Envelope wide = exact(x, buckets, block), narrow = exact(x, buckets, -block);
            for (int i = 0; i < buckets; i++) {
                assertTrue(wide.min()[i] <= got.min()[i] && got.min()[i] <= narrow.min()[i], "bucket " + i);
                assertTrue(narrow.max()[i] <= got.max()[i] && got.max()[i] <= wide.max()[i], "bucket " + i);
            }
        }
    }

    /** Each bucket's extremes (from 0) over its stretch of x widened by {@code slack} samples at each edge. */
    private static Detector.Envelope exact(float[] x, int buckets, int slack) {
        float[] lo = new float[buckets], hi = new float[buckets];
        for (int i = 0; i < buckets; i++) {
            long from = Math.max(0, (long) x.length * i / buckets - slack);
            long to = Math.min(x.length, (long) x.length * (i + 1) / buckets + slack);
            for (long j = from; j < to; j++) {
                lo[i] = Math.min(lo[i], x[(int) j]);
                hi[i] = Math.max(hi[i], x[(int) j]);
            }
        }
        return new Detector.Envelope(lo, hi);
    }

    private static Detector.Segment seg(double a, double b, boolean bonafide) {
        return new Detector.Segment(a, b, bonafide ? 1 : -1, 0.5, bonafide);
    }
}
