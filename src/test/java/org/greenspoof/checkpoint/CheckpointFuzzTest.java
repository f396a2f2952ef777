package org.greenspoof.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.fuzz.Outcomes;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;

/**
 * Fuzz targets for the checkpoint readers (seeds in CheckpointFuzzTestInputs/). Allowed outcomes:
 * the binary formats (safetensors, pickle, torch zip) return or throw a FileFormatException naming
 * the file (for an archive entry, {@code archive!entry}; safetensors also an IllegalArgumentException
 * naming file and tensor for a dtype it lists but does not read); config.json returns a validated config,
 * or an IllegalArgumentException or IOException naming the file, as {@code inspect} reports them.
 */
class CheckpointFuzzTest {
    private static final Path DIR = Outcomes.scratch("checkpoint");

    /** The header and every tensor read, as {@code inspect} and the encoder do. */
    @FuzzTest(maxDuration = "10m")
    void safetensors(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.safetensors", data);
        Outcomes.only(f, () -> {
            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                for (String name : s.names()) {
                    s.readFloats(name); // dtypes it does not read: IllegalArgumentException naming file and tensor
                }
            }
        }, FileFormatException.class, IllegalArgumentException.class);
    }

    @FuzzTest(maxDuration = "10m")
    void pickle(byte[] data) throws Exception {
        Path f = Path.of("fuzz.bin!", "archive/data.pkl");
        Outcomes.only(f, () -> Unpickler.load(f, data), FileFormatException.class);
    }

    /** Opening and reading every tensor, as {@code convert} does. */
    @FuzzTest(maxDuration = "10m")
    void torchZip(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.bin", data);
        Outcomes.only(f, () -> {
            try (TorchCheckpoint t = TorchCheckpoint.open(f)) {
                for (String name : t.names()) {
                    t.readFloats(name);
                }
            }
        }, FileFormatException.class);
    }

    /** Parsing and sizing every expected tensor, as {@code inspect} does. */
    @FuzzTest(maxDuration = "10m")
    void config(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "config.json", data);
        Outcomes.only(f, () -> SpeechEncoder.expectedTensors(EncoderConfig.load(f, ModelFamily.CONFIGS)), IllegalArgumentException.class,
                IOException.class);
    }
}
