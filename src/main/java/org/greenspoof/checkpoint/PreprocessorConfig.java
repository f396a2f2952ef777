package org.greenspoof.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The two fields of a Hugging Face {@code preprocessor_config.json} ({@code Wav2Vec2FeatureExtractor})
 * the encoder needs: whether input is normalised to zero mean and unit variance, and the sample rate.
 */
public record PreprocessorConfig(boolean doNormalize, int samplingRate) {

    /** {@code Wav2Vec2FeatureExtractor}'s defaults. */
    public static final PreprocessorConfig DEFAULT = new PreprocessorConfig(true, 16000);

    private static final Logger LOG = Logger.getLogger(PreprocessorConfig.class.getName());
    public PreprocessorConfig {
        if (samplingRate <= 0) {
            throw new IllegalArgumentException("sampling_rate: expected a positive integer, found " + samplingRate);
        }
    }

    /** The file as {@link JsonBinding} binds it, at {@link #DEFAULT}'s values. */
    static final class Fields {
        public boolean doNormalize = DEFAULT.doNormalize;
        public int samplingRate = DEFAULT.samplingRate;
    }

    /** Reads the file; when it does not exist, logs a note and returns {@link #DEFAULT}. */
    public static PreprocessorConfig load(Path file) throws IOException {
        if (!Files.exists(file)) {
            LOG.info(file + " not found: using do_normalize=true, sampling_rate=16000 (Wav2Vec2FeatureExtractor defaults)");
            return DEFAULT;
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root = JsonBinding.readObject(file, bytes, "a JSON config");
        try {
            Fields f = JsonBinding.bind(root, Fields.class);
            return new PreprocessorConfig(f.doNormalize, f.samplingRate);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
