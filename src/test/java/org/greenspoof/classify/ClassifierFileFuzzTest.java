package org.greenspoof.classify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.fuzz.Outcomes;

/**
 * Fuzz target for model files (seeds in ClassifierFileFuzzTestInputs/). Allowed: a model, or an
 * IOException naming the file (the reader's documented refusal).
 */
class ClassifierFileFuzzTest {
    private static final Path DIR = Outcomes.scratch("classifier");

    @FuzzTest(maxDuration = "10m")
    void classifier(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "model.json", data);
        Outcomes.only(f, () -> ClassifierFile.read(f), IOException.class);
    }
}
