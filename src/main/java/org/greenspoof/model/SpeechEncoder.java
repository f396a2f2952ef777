package org.greenspoof.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.checkpoint.PreprocessorConfig;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.kernels.Kernels;

/**
 * A frozen wav2vec2-family speech encoder loaded from a Hugging Face checkpoint folder; mirrors
 * transformers' {@code Wav2Vec2Model}, {@code HubertModel} and {@code WavLMModel} in eval mode,
 * batch 1, without attention mask. Results equal their {@code output_hidden_states=True} output.
 * Instances are immutable and may be shared between threads.
 *
 * <pre>{@code
 * SpeechEncoder enc = SpeechEncoder.load(Path.of("models/wav2vec2-base"));
 * float[][][] hs = enc.hiddenStates(samples16k, 6);              // hidden_states[0..6], [7][T][768]
 * float[][] emb = enc.pooled(samples16k, new int[]{3, 6}, SpeechEncoder.Pooling.MEAN_STD);
 * }</pre>
 */
public final class SpeechEncoder {

    /** Query and key rows per attention tile; bounds attention memory independent of length. */
    public static final int DEFAULT_ATTENTION_TILE = 256;
    /** transformers' Wav2Vec2FeatureExtractor: (x - mean) / sqrt(var + 1e-7). */
    private static final double NORMALIZE_EPS = 1e-7;
    private static final int SAMPLE_RATE = 16000;
    /**
     * Workspaces grown for inputs longer than this (60 s) are dropped after the call instead of
     * pooled, so one very long input does not pin its buffers for the life of the encoder.
     */
    private static final int POOLED_SAMPLES = 60 * SAMPLE_RATE;

    /** Frame pooling for {@link #pooled}. */
    public enum Pooling {
        /** Mean over frames: H values per layer. */
        MEAN,
        /** Mean, then population standard deviation over frames, concatenated: 2H values per layer. */
        MEAN_STD
    }

    /**
     * Every intermediate of one forward pass, [T][*] each, with HF's names: {@code convFeatures}
     * (conv stack output), {@code extractFeatures} (its LayerNorm; null for HuBERT without
     * feat_proj_layer_norm), {@code projected} (encoder input), {@code posConv} (positional conv
     * output), {@code hiddenStates} [maxLayer+1][T][H].
     */
    public record Activations(float[][] convFeatures, float[][] extractFeatures, float[][] projected,
                              float[][] posConv, float[][][] hiddenStates) {
    }

    private final EncoderConfig config;
    private final PreprocessorConfig preprocessor;
    private final Kernels kernels;
    private final int tile;
    private final Wav2Vec2Model model;
    private final Wav2Vec2FeatureEncoder featureExtractor;
    private final Wav2Vec2FeatureProjection featureProjection;
    private final Wav2Vec2Encoder encoder;
    /** Idle workspaces, one per concurrent caller seen (see {@link Workspace}). */
    private final ArrayDeque<Workspace> idle = new ArrayDeque<>();

    private SpeechEncoder(PreprocessorConfig preprocessor, Kernels kernels, int tile, Wav2Vec2Model model) {
        this.config = model.config;
        this.preprocessor = preprocessor;
        this.kernels = kernels;
        this.tile = tile;
        this.model = model;
        this.featureExtractor = model.featureExtractor;
        this.featureProjection = model.featureProjection;
        this.encoder = model.encoder;
    }

    /** Loads {@code config.json}, {@code preprocessor_config.json} and {@code model.safetensors} with the process kernels. */
    public static SpeechEncoder load(Path dir) throws IOException {
        return load(dir, KernelProvider.get());
    }

    /** As {@link #load(Path)}, with the given kernels (weights are packed for them once, here). */
    public static SpeechEncoder load(Path dir, Kernels kernels) throws IOException {
        try (Checkpoint ck = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            EncoderConfig cfg = ck.config();
            Activation.requireGelu("feat_extract_activation", cfg.featExtractActivation());
            Activation.requireGelu("hidden_act", cfg.hiddenAct());
            if (ck.preprocessor().samplingRate() != SAMPLE_RATE) {
                throw new IllegalArgumentException(dir.resolve("preprocessor_config.json") + ": sampling_rate "
                        + ck.preprocessor().samplingRate() + " is not supported; the wav2vec2 family runs at 16000 Hz");
            }
            try {
                // Shapes first, so a config that disagrees with the weights fails before anything is read.
                check(ck);
                Wav2Vec2Model model = new Wav2Vec2Model(Weights.reading(ck, kernels), cfg);
                return new SpeechEncoder(ck.preprocessor(), kernels, DEFAULT_ATTENTION_TILE, model);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Every tensor the encoder of {@code cfg} takes, with its shape, in module order: a shape-only
     * pass over the modules (mirrors the parameters of transformers' {@code Wav2Vec2Model} /
     * {@code HubertModel} / {@code WavLMModel}).
     */
    public static Map<String, long[]> expectedTensors(EncoderConfig cfg) {
        Weights w = Weights.shapesOnly();
        new Wav2Vec2Model(w, cfg);
        return w.served();
    }

    /**
     * Checks every tensor of {@code ck} against its config without reading data, as {@link #load}
     * does first: a missing tensor, a wrong shape or a layer the config does not have is an error
     * naming key, expected and found shape; other unused tensors are logged.
     *
     * @return the element count of the tensors the encoder uses
     */
    public static long check(Checkpoint ck) {
        Weights w = Weights.checking(ck);
        new Wav2Vec2Model(w, ck.config());
        w.checkUnused();
        return w.parameterCount();
    }

    /**
     * Forward-pass work in GFLOP (a multiply-add is 2 flops) for {@code samples} of audio up to
     * hidden state {@code maxLayer}, as each module counts it: each conv layer as frames x C_out x
     * C_in x kernel, the feature projection, the grouped positional conv, and per transformer layer
     * the q/k/v/out and feed-forward projections plus the two T x T attention products. Norms,
     * activations and softmax (a few percent) are not counted.
     */
    public static double gflop(EncoderConfig cfg, int samples, int maxLayer) {
        return new Wav2Vec2Model(Weights.shapesOnly(), cfg).flops(samples, maxLayer) / 1e9;
    }

    /** The same model with another attention tile size (results equal up to float rounding). */
    public SpeechEncoder withAttentionTile(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("attention tile must be >= 1, got " + rows);
        }
        return new SpeechEncoder(preprocessor, kernels, rows, model);
    }

    public EncoderConfig config() {
        return config;
    }

    public PreprocessorConfig preprocessor() {
        return preprocessor;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** L, the number of transformer layers; hidden states are indexed 0..L. */
    public int numLayers() {
        return encoder.numLayers;
    }

    public int hiddenSize() {
        return encoder.hidden;
    }

    /** Frames the conv stack makes of this many samples (16000 -> 49 for the standard strides). */
    public int frames(int samples) {
        return featureExtractor.outLength(samples);
    }

    /** Exactly HF's {@code hidden_states[0..maxLayer]}, [maxLayer+1][T][H]; layers above maxLayer are not run. */
    public float[][][] hiddenStates(float[] audio16k, int maxLayer) {
        checkLayer(maxLayer);
        float[][][] hs = new float[maxLayer + 1][][];
        forward(audio16k, maxLayer, (ws, n, state, frames) -> hs[n] = rows(state, frames, encoder.hidden));
        return hs;
    }

    /** Every intermediate up to maxLayer (see {@link Activations}). */
    public Activations activations(float[] audio16k, int maxLayer) {
        checkLayer(maxLayer);
        int c = featureExtractor.channels();
        int h = encoder.hidden;
        float[][][] front = new float[3][][];
        float[][][] pos = new float[1][][];
        float[][][] hs = new float[maxLayer + 1][][];
        forward(audio16k, maxLayer, new Pass() {
            @Override
            public void convFeatures(Workspace ws, int t) {
                front[0] = rows(ws.conv, t, c);
            }

            @Override
            public void projected(Workspace ws, int t) {
                front[1] = featureProjection.layerNorm == null ? null : rows(ws.conv, t, c);
                front[2] = rows(ws.x, t, h);
            }

            @Override
            public Wav2Vec2Encoder.Sink posConv() {
                return (n, state, frames) -> pos[0] = rows(state, frames, h);
            }

            @Override
            public void hiddenState(Workspace ws, int n, float[] state, int frames) {
                hs[n] = rows(state, frames, h);
            }
        });
        return new Activations(front[0], front[1], front[2], pos[0], hs);
    }

    /**
     * Pooled embeddings of the requested layers (any order, repeats allowed) from one pass that
     * stops at the highest of them: result[i] is the pooling of hidden_states[layers[i]] over frames.
     * Apart from the result, a call allocates nothing once an input at least as long has been seen.
     */
    public float[][] pooled(float[] audio16k, int[] layers, Pooling pooling) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("no layers requested");
        }
        int max = 0;
        for (int l : layers) {
            checkLayer(l);
            max = Math.max(max, l);
        }
        int h = encoder.hidden;
        int width = pooling == Pooling.MEAN ? h : 2 * h;
        float[][] out = new float[layers.length][width];
        forward(audio16k, max, (ws, n, state, frames) -> {
            if (ws.poolSum.length < 2 * h) {
                ws.poolSum = new double[2 * h];
            }
            int first = -1;
            for (int i = 0; i < layers.length; i++) {
                if (layers[i] == n) {
                    if (first < 0) {
                        pool(state, frames, h, pooling, ws.poolSum, out[i]);
                        first = i;
                    } else {
                        System.arraycopy(out[first], 0, out[i], 0, width);
                    }
                }
            }
        });
        return out;
    }

    /**
     * What an entry point takes from {@link #forward}; each call sees the pass's workspace, whose
     * buffers are valid only during the call.
     */
    private interface Pass {
        /** After the conv stack: {@code ws.conv} holds its output, [T][C]. */
        default void convFeatures(Workspace ws, int t) {
        }

        /** After the projection: {@code ws.conv} holds the extract features, {@code ws.x} the projection [T][H]. */
        default void projected(Workspace ws, int t) {
        }

        /** Receives the positional convolution's output, or null when it is not wanted. */
        default Wav2Vec2Encoder.Sink posConv() {
            return null;
        }

        /** hidden_states[n], [T][H]. */
        void hiddenState(Workspace ws, int n, float[] state, int frames);
    }

    /**
     * The one forward pass behind the entry points (which check {@code maxLayer} before they size
     * their results): checks the audio, takes a workspace, runs the conv stack, the projection and
     * the encoder up to {@code maxLayer}, and shows {@code pass} what it asks for on the way.
     */
    private void forward(float[] audio16k, int maxLayer, Pass pass) {
        Workspace ws = acquire(audio16k);
        try {
            int t = frames(audio16k.length);
            featureExtractor.forward(ws.input, audio16k.length, ws, ws.conv);
            pass.convFeatures(ws, t);
            featureProjection.forward(ws.conv, t, ws.x, ws);
            pass.projected(ws, t);
            encoder.forward(ws.x, t, maxLayer, pass.posConv(),
                    (n, state, frames) -> pass.hiddenState(ws, n, state, frames), ws, tile, tile);
        } finally {
            release(ws);
        }
    }

    /**
     * A workspace sized for this input (from the pool when one is idle) holding the conv stack's
     * input: the samples, normalised per utterance when do_normalize.
     */
    private Workspace acquire(float[] audio16k) {
        checkAudio(audio16k);
        Workspace ws;
        synchronized (idle) {
            ws = idle.poll();
        }
        if (ws == null) {
            ws = new Workspace(kernels);
        }
        int t = frames(audio16k.length);
        ws.ensure(audio16k.length, t, model, tile);
        normalize(audio16k, ws.input);
        return ws;
    }

    /** Returns a workspace to the pool, unless it was grown past {@link #POOLED_SAMPLES}. */
    private void release(Workspace ws) {
        if (ws.samples() <= POOLED_SAMPLES) {
            synchronized (idle) {
                idle.push(ws);
            }
        }
    }

    /** What enters the conv stack: the samples, normalised per utterance when do_normalize. */
    float[] inputValues(float[] audio16k) {
        checkAudio(audio16k);
        float[] out = new float[audio16k.length];
        normalize(audio16k, out);
        return out;
    }

    private void checkAudio(float[] audio16k) {
        if (audio16k == null || audio16k.length == 0) {
            throw new IllegalArgumentException("audio is empty");
        }
        if (audio16k.length < featureExtractor.receptiveField) {
            throw new IllegalArgumentException("audio has " + audio16k.length + " samples, fewer than one frame ("
                    + featureExtractor.receptiveField + " samples = " + (1000 * featureExtractor.receptiveField / SAMPLE_RATE)
                    + " ms at 16 kHz)");
        }
        for (int i = 0; i < audio16k.length; i++) {
            float v = audio16k[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("audio sample " + i + " is " + v);
            }
        }
    }

    /** out[0, n) = the n samples, normalised when do_normalize (transformers' zero_mean_unit_var_norm). */
    private void normalize(float[] audio16k, float[] out) {
        if (!preprocessor.doNormalize()) {
            System.arraycopy(audio16k, 0, out, 0, audio16k.length);
            return;
        }
        double sum = 0;
        for (float v : audio16k) {
            sum += v;
        }
        double mean = sum / audio16k.length;
        double sq = 0;
        for (float v : audio16k) {
            sq += (v - mean) * (v - mean);
        }
        double inv = 1.0 / Math.sqrt(sq / audio16k.length + NORMALIZE_EPS);
        for (int i = 0; i < audio16k.length; i++) {
            out[i] = (float) ((audio16k[i] - mean) * inv);
        }
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer > encoder.numLayers) {
            throw new IllegalArgumentException("layer " + layer + " out of range: this model has hidden states 0.."
                    + encoder.numLayers);
        }
    }

    /** Pools x [T][H] into out (H or 2H values), accumulating in double in sums [2H]. */
    private static void pool(float[] x, int t, int h, Pooling pooling, double[] sums, float[] out) {
        java.util.Arrays.fill(sums, 0, 2 * h, 0.0);
        for (int r = 0; r < t; r++) {
            for (int c = 0; c < h; c++) {
                sums[c] += x[r * h + c];
            }
        }
        for (int c = 0; c < h; c++) {
            sums[c] /= t;
            out[c] = (float) sums[c];
        }
        if (pooling == Pooling.MEAN_STD) {
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < h; c++) {
                    double d = x[r * h + c] - sums[c];
                    sums[h + c] += d * d;
                }
            }
            for (int c = 0; c < h; c++) {
                out[h + c] = (float) Math.sqrt(sums[h + c] / t);
            }
        }
    }

    private static float[][] rows(float[] flat, int t, int w) {
        float[][] r = new float[t][];
        for (int i = 0; i < t; i++) {
            r[i] = Arrays.copyOfRange(flat, i * w, (i + 1) * w);
        }
        return r;
    }
}
