package org.greenspoof.metrics;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.fuzz.Outcomes;

/**
 * Fuzz target for the score readers (seeds in ScoreFilesFuzzTestInputs/): the first byte picks the
 * reader, 0 CM scores (4 columns), 1 a CM protocol, 2 ASV scores; the rest is the file. Allowed: the
 * trials, or an IOException or IllegalArgumentException naming the file (what {@code eval} reports).
 */
class ScoreFilesFuzzTest {
    private static final Path DIR = Outcomes.scratch("scores");

    @FuzzTest(maxDuration = "10m")
    void scores(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        int kind = (data[0] & 0xFF) % 3;
        Path f = Outcomes.write(DIR, "scores.txt", Arrays.copyOfRange(data, 1, data.length));
        Outcomes.only(f, () -> {
            switch (kind) {
                case 0 -> ScoreFiles.readScores(f, null, null);
                case 1 -> ScoreFiles.readProtocol(f);
                default -> ScoreFiles.readAsvScores(f);
            }
        }, IOException.class, IllegalArgumentException.class);
    }
}
