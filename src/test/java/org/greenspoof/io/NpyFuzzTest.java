package org.greenspoof.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.greenspoof.fuzz.Outcomes;

/** Fuzz target for the .npy reader (seeds in NpyFuzzTestInputs/); allowed: an array, or a FileFormatException naming the file. */
class NpyFuzzTest {
    private static final Path DIR = Outcomes.scratch("npy");

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.npy", data);
        Outcomes.only(f, () -> Npy.read(f), FileFormatException.class);
    }
}
