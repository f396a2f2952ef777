package org.greenspoof.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.io.Npy;
import org.greenspoof.model.SpeechEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code greenspoof hidden-states}: HF's hidden_states[0..K] of one utterance as a .npy file. */
@Command(name = "hidden-states",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Runs a wav2vec2 / HuBERT / WavLM checkpoint on one audio file and writes what Hugging Face "
                + "transformers returns as hidden_states[0..K] (batch 1): a .npy array [K+1, T, H], float32. "
                + "The audio is mixed to mono, resampled to 16 kHz when needed and normalised as "
                + "preprocessor_config.json says.")
public final class HiddenStatesCommand implements Callable<Integer> {

    @Mixin
    EncoderOption encoderDir;

    @Option(names = "--audio", required = true, paramLabel = "FILE", description = "FLAC, WAV, MP3 or Ogg Vorbis file.")
    Path audio;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Where to write [K+1, T, H].")
    Path out;

    @Option(names = "--depth", paramLabel = "K",
            description = "How far the forward pass runs: hidden states 0..K (0 = encoder input); layers above K are "
                    + "not run. Default: all layers (L).")
    Integer maxLayer;

    /** The old spelling of --depth. */
    @Option(names = "--max-layer", hidden = true, paramLabel = "K")
    void oldMaxLayerOption(int k) {
        maxLayer = k;
    }

    @Option(names = "--features", paramLabel = "FEAT.npy", description = "Also write the conv features [T, C].")
    Path features;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws Exception {
        Path model = encoderDir.required();
        Outputs.checkFile("--out", out);
        if (features != null) {
            Outputs.checkFile("--features", features);
        }
        SpeechEncoder encoder = SpeechEncoder.load(model);
        int k = maxLayer == null ? encoder.numLayers() : maxLayer;
        if (k < 0 || k > encoder.numLayers()) {
            throw new IllegalArgumentException("--depth " + k + " out of range: " + model + " has hidden states 0.."
                    + encoder.numLayers());
        }
        float[] samples = AudioReader.readMono16k(audio, audioLimits.limits());
        SpeechEncoder.Activations a;
        try {
            a = encoder.activations(samples, k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(audio + ": " + e.getMessage(), e);
        }
        if (features != null) {
            Npy.write(features, a.convFeatures());
        }
        Npy.write(out, a.hiddenStates());
        return 0;
    }
}
