package org.greenspoof.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parity with torchaudio.transforms.LFCC + compute_deltas; fixtures from tools/make_lfcc_fixtures.py. */
class LfccTest {

    /**
     * Both sides compute in float64 from the same float32 input; only FFT algorithm and summation
     * order differ (measured worst 1.5e-14). The bound leaves room for other JVMs' Math.cos/log and
     * still catches any window, filter, framing or delta slip (each moves coefficients by 1e-3 or more).
     */
    static final double TOLERANCE = 1e-10;
    /** Pooled values are stored as float32: half an ulp of values up to ~30 is under 2e-6. */
    static final double POOLED_TOLERANCE = 4e-6;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LfccTest.class.getResourceAsStream("/lfcc/" + name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chirp", "voiced", "short", "edge"})
    void matchesTorchaudio(String name) throws IOException {
        JsonNode meta = new ObjectMapper().readTree(resource("manifest.json")).get("signals").get(name);
        ByteBuffer sb = ByteBuffer.wrap(resource(name + ".signal.f32")).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[sb.remaining() / 4];
        sb.asFloatBuffer().get(x);
        assertEquals(meta.get("samples").asInt(), x.length);
        ByteBuffer eb = ByteBuffer.wrap(resource(name + ".lfcc.f64")).order(ByteOrder.LITTLE_ENDIAN);
        int frames = meta.get("frames").asInt();
        assertEquals(frames, Lfcc.frames(x.length));

        Lfcc lfcc = new Lfcc();
        double[][] got = lfcc.features(x);
        assertEquals(frames, got.length);
        double worst = 0;
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < Lfcc.DIM; c++) {
                worst = Math.max(worst, Math.abs(got[t][c] - eb.getDouble()));
            }
        }
        assertEquals(0, worst, TOLERANCE, name + ": max |LFCC - torchaudio|");

        float[] pooled = lfcc.pooled(x, true);
        for (int c = 0; c < Lfcc.DIM; c++) {
            assertEquals(meta.get("mean").get(c).asDouble(), pooled[c], POOLED_TOLERANCE, "mean " + c);
            assertEquals(meta.get("std").get(c).asDouble(), pooled[Lfcc.DIM + c], POOLED_TOLERANCE, "std " + c);
        }
        float[] meanOnly = lfcc.pooled(x, false);
        assertEquals(Lfcc.DIM, meanOnly.length);
        assertEquals(pooled[5], meanOnly[5]);
    }
}
