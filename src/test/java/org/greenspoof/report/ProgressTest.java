package org.greenspoof.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long SECOND = 1_000_000_000L;

    /** A first file that takes 10 s to warm up, then 10 files a second: the ETA follows the steady rate. */
    @Test
    void theEtaIgnoresTheWarmUpOfTheFirstUnit() {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), "embed", 100, false);
        long t0 = System.nanoTime();
        p.advance(1, t0 + 10 * SECOND);
        assertTrue(p.line(t0 + 10 * SECOND).endsWith("ETA ?"), p.line(t0 + 10 * SECOND));
        for (int i = 1; i <= 9; i++) {
            p.advance(1, t0 + 10 * SECOND + i * SECOND / 10);
        }
        String line = p.line(t0 + 10 * SECOND + 9 * SECOND / 10);
        // 90 left at 10/s; counting the warm-up (10 in 10.9 s) would say 1:38.
        assertTrue(line.endsWith("10.0/s elapsed 0:11 ETA 0:09"), line);
    }
}
