package org.greenspoof.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.greenspoof.io.JsonErrors;

/**
 * The two fields of a Hugging Face {@code preprocessor_config.json} ({@code Wav2Vec2FeatureExtractor})
 * the encoder needs: whether input is normalised to zero mean and unit variance, and the sample rate.
 */
public record PreprocessorConfig(boolean doNormalize, int samplingRate) {

    /** {@code Wav2Vec2FeatureExtractor}'s defaults. */
    public static final PreprocessorConfig DEFAULT = new PreprocessorConfig(true, 16000);

    private static final Logger LOG = Logger.getLogger(PreprocessorConfig.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    public PreprocessorConfig {
        if (samplingRate <= 0) {
            throw new IllegalArgumentException("sampling_rate must be positive, found " + samplingRate);
        }
    }

    /** Reads the file; when it does not exist, logs a note and returns {@link #DEFAULT}. */
    public static PreprocessorConfig load(Path file) throws IOException {
        if (!Files.exists(file)) {
            LOG.info(file + " not found: using do_normalize=true, sampling_rate=16000 (Wav2Vec2FeatureExtractor defaults)");
            return DEFAULT;
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) { // Jackson's, or a decoder's when the first bytes made it guess UTF-16/32
            throw new IOException(file + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        JsonNode norm = root.get("do_normalize");
        JsonNode rate = root.get("sampling_rate");
        if (norm != null && !norm.isBoolean()) {
            throw new IOException(file + ": do_normalize: expected true or false, found " + norm);
        }
        if (rate != null && !(rate.isIntegralNumber() && rate.canConvertToInt() && rate.intValue() > 0)) {
            throw new IOException(file + ": sampling_rate: expected a positive integer, found " + rate);
        }
        return new PreprocessorConfig(norm == null ? DEFAULT.doNormalize : norm.booleanValue(),
                rate == null ? DEFAULT.samplingRate : rate.intValue());
    }
}
