package org.greenspoof.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The window bookkeeping (scoring itself: DetectCommandTest against scores of slices). */
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

    private static Detector.Segment seg(double a, double b, boolean bonafide) {
        return new Detector.Segment(a, b, bonafide ? 1 : -1, 0.5, bonafide);
    }
}
