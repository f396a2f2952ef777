package org.greenspoof.frontend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import org.greenspoof.store.Embedder;

/**
 * A frozen Hugging Face encoder as an embedder: one forward pass per utterance that stops at the
 * highest requested layer, pooled per requested layer. The encoder keeps no per-call state, so every
 * worker thread shares the one loaded copy of the weights.
 */
public final class EncoderEmbedder implements Embedder.Factory {
    private final SpeechEncoder encoder;
    private final String model;
    private final String sha256;
    private final int[] layers;
    private final SpeechEncoder.Pooling pooling;

    private EncoderEmbedder(SpeechEncoder encoder, String model, String sha256, int[] layers,
                            SpeechEncoder.Pooling pooling) {
        this.encoder = encoder;
        this.model = model;
        this.sha256 = sha256;
        this.layers = layers;
        this.pooling = pooling;
    }

    /**
     * @param layers  hidden_states indices to store, or null for all (0..L)
     * @param pooling "mean" or "meanstd"
     * @param kernels the kernels the encoder runs on (a multi-threaded view parallelises within a file)
     */
    public static EncoderEmbedder open(Path dir, int[] layers, String pooling, Kernels kernels) throws IOException {
        SpeechEncoder.Pooling p = switch (pooling) {
            case "mean" -> SpeechEncoder.Pooling.MEAN;
            case "meanstd" -> SpeechEncoder.Pooling.MEAN_STD;
            default -> throw new IllegalArgumentException("pooling must be mean or meanstd, not " + pooling);
        };
        String sha;
        try (Checkpoint ck = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            sha = ck.sha256();
        }
        SpeechEncoder enc = SpeechEncoder.load(dir, kernels);
        int max = enc.numLayers();
        int[] ls = layers != null ? layers.clone() : IntStream.rangeClosed(0, max).toArray();
        for (int l : ls) {
            if (l < 0 || l > max) {
                throw new IllegalArgumentException(dir + " has layers 0-" + max + " (0 = CNN features after projection, "
                        + "k = transformer layer k); layer " + l + " does not exist");
            }
        }
        String name = enc.config().modelType() + " " + dir.toAbsolutePath().normalize().getFileName();
        return new EncoderEmbedder(enc, name, sha, ls, p);
    }

    @Override
    public Embedder create() {
        return audio -> encoder.pooled(audio, layers, pooling);
    }

    @Override
    public String frontend() {
        return "encoder";
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String modelSha256() {
        return sha256;
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public String pooling() {
        return pooling == SpeechEncoder.Pooling.MEAN ? "mean" : "meanstd";
    }

    @Override
    public int dim() {
        return encoder.hiddenSize() * (pooling == SpeechEncoder.Pooling.MEAN ? 1 : 2);
    }

    @Override
    public String toString() {
        return model + " layers " + Arrays.toString(layers) + " " + pooling();
    }
}
