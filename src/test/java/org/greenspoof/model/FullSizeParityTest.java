package org.greenspoof.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.greenspoof.io.Npy;
import org.greenspoof.kernels.Kernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The full-size base configuration (hidden 768, 12 layers, FF 3072, positional conv 128 in 16
 * groups) against torch, outside CI because its fixture is ~380 MB:
 * <pre>
 * /usr/bin/python3 tools/make_encoder_fixtures.py --full-size /tmp/w2v2-full
 * mvn -B test -Dtest=FullSizeParityTest -Dgreenspoof.fullsize=/tmp/w2v2-full/w2v2-base-full
 * </pre>
 * Skipped when {@code greenspoof.fullsize} is unset.
 */
class FullSizeParityTest {

    /** Inputs tools/make_encoder_fixtures.py --full-size writes: one 4 s waveform. */
    static final int FULL_SIZE_INPUTS = 1;

    @Test
    void fullSizeBaseMatchesTorch() throws IOException {
        String dir = System.getProperty("greenspoof.fullsize");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "greenspoof.fullsize not set");
        Path set = Path.of(dir);
        int compared = 0;
        for (Kernels k : EncoderParityTest.kernelPaths()) {
            long t0 = System.nanoTime();
            SpeechEncoder enc = SpeechEncoder.load(set, k);
            long t1 = System.nanoTime();
            try (Stream<Path> subs = Files.list(set)) {
                for (Path s : subs.filter(p -> p.getFileName().toString().startsWith("single_")).sorted().toList()) {
                    EncoderParityTest.compare(enc, s, "full-size", k, false);
                    compared++;
                    float[] wave = Npy.read(s.resolve("waveform.npy")).data();
                    long t2 = System.nanoTime();
                    enc.hiddenStates(wave, enc.numLayers());
                    System.out.printf("full-size %s: load %.2f s, one forward of %s (%d layers) %.2f s%n", k.name(),
                            (t1 - t0) / 1e9, s.getFileName(), enc.numLayers(), (System.nanoTime() - t2) / 1e9);
                }
            }
        }
        // make_encoder_fixtures.py --full-size writes one input (4 s), compared on every kernel path.
        assertEquals(FULL_SIZE_INPUTS * EncoderParityTest.kernelPaths().size(), compared,
                set + ": single_* inputs compared (the generator writes " + FULL_SIZE_INPUTS + ")");
    }
}
