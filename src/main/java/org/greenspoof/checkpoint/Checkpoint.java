package org.greenspoof.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face wav2vec2 / HuBERT / WavLM checkpoint directory: {@code config.json},
 * {@code preprocessor_config.json} (optional) and {@code model.safetensors} (or its shards, listed by
 * {@code model.safetensors.index.json}; see {@link WeightFiles}).
 *
 * <p>Tensors are addressed by their bare {@code *Model} names (as in {@code Wav2Vec2Model.state_dict()},
 * e.g. {@code encoder.layers.0.attention.q_proj.weight}). The variants of real checkpoints resolve to
 * them: the family's {@link ConfigFamily#prefix} ({@code wav2vec2.}, ...) of {@code *ForCTC} and
 * {@code *ForPreTraining} checkpoints, and the positional conv's weight norm stored as
 * {@code parametrizations.weight.original0/original1} (torch >= 2.1) instead of {@code weight_g/weight_v}.
 * Heads and training-only tensors ({@code lm_head}, {@code quantizer}, {@code project_q},
 * {@code project_hid}, {@code masked_spec_embed}) are ignored.
 *
 * <p>{@link #check} and {@link #tensor} compare a tensor with the shape the config implies and
 * name key, expected and found shape when they differ.
 */
public final class Checkpoint implements Closeable {

    public static final String CONFIG = "config.json";
    public static final String PREPROCESSOR = "preprocessor_config.json";
    public static final String WEIGHTS = WeightFiles.SINGLE;

    private static final List<String> IGNORED_PREFIXES = List.of("lm_head.", "quantizer.", "project_q.", "project_hid.");
    private static final String MASKED_SPEC_EMBED = "masked_spec_embed";
    private static final String PARAMETRIZED = ".parametrizations.weight.original";

    private final Path directory;
    private final EncoderConfig config;
    private final PreprocessorConfig preprocessor;
    private final WeightFiles weights;
    /** Reused load buffers (see {@link #scratchTensor} and {@link #scratch}). */
    private float[] scratch;
    private float[] scratch2 = new float[0];
    /** Canonical bare key -> name in the file. */
    private final Map<String, String> keys;
    private final List<String> ignored;

    private Checkpoint(Path directory, EncoderConfig config, PreprocessorConfig preprocessor, WeightFiles weights,
            Map<String, String> keys, List<String> ignored) {
        this.directory = directory;
        this.config = config;
        this.preprocessor = preprocessor;
        this.weights = weights;
        this.keys = keys;
        this.ignored = ignored;
    }

    /**
     * Opens {@code dir}, reading both configs and resolving the tensor names; the model checks the
     * weights against the config as it takes them (see {@code org.greenspoof.model.Weights}).
     *
     * @param families the architectures {@code config.json} may name ({@code ModelFamily.CONFIGS})
     */
    public static Checkpoint open(Path dir, List<ConfigFamily> families) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir + ": not a checkpoint directory (expected " + CONFIG + " and " + WEIGHTS
                    + " or " + WeightFiles.INDEX + ")");
        }
        EncoderConfig config = EncoderConfig.load(dir.resolve(CONFIG), families);
        PreprocessorConfig pre = PreprocessorConfig.load(dir.resolve(PREPROCESSOR));
        WeightFiles st = WeightFiles.open(dir);
        Path file = st.source();
        try {
            Map<String, String> keys = new LinkedHashMap<>();
            List<String> ignored = new ArrayList<>();
            for (String name : st.names()) {
                String bare = stripPrefix(file, config, families, name);
                if (bare.equals(MASKED_SPEC_EMBED) || IGNORED_PREFIXES.stream().anyMatch(bare::startsWith)) {
                    ignored.add(name);
                    continue;
                }
                String previous = keys.put(canonical(bare), name);
                if (previous != null) {
                    throw new IllegalArgumentException(file + ": tensors '" + previous + "' and '" + name
                            + "' both resolve to '" + canonical(bare) + "'");
                }
            }
            return new Checkpoint(dir, config, pre, st, Collections.unmodifiableMap(keys), List.copyOf(ignored));
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    private static String stripPrefix(Path file, EncoderConfig config, List<ConfigFamily> families, String name) {
        for (ConfigFamily f : families) {
            if (name.startsWith(f.prefix() + ".")) {
                if (!f.modelType().equals(config.modelType())) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' has the prefix '" + f.prefix()
                            + ".' but config.json says model_type '" + config.modelType() + "'");
                }
                return name.substring(f.prefix().length() + 1);
            }
        }
        return name;
    }

    /** Maps the torch >= 2.1 weight-norm parametrization names onto the legacy {@code weight_g}/{@code weight_v}. */
    static String canonical(String key) {
        if (key.endsWith(PARAMETRIZED + "0")) {
            return key.substring(0, key.length() - PARAMETRIZED.length() - 1) + ".weight_g";
        }
        if (key.endsWith(PARAMETRIZED + "1")) {
            return key.substring(0, key.length() - PARAMETRIZED.length() - 1) + ".weight_v";
        }
        return key;
    }

    private TensorInfo checkShape(String key, long[] expectedShape, String origin) {
        String name = keys.get(canonical(key));
        if (name == null) {
            throw new IllegalArgumentException(weights.source() + ": missing tensor '" + key + "', expected shape "
                    + Arrays.toString(expectedShape) + origin);
        }
        TensorInfo t = weights.info(name);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new IllegalArgumentException(weights.fileOf(name) + ": tensor '" + key + "'"
                    + (name.equals(key) ? "" : " (stored as '" + name + "')") + ": expected shape "
                    + Arrays.toString(expectedShape) + origin + ", found " + Arrays.toString(t.shape()));
        }
        return t;
    }

    /** Checks that {@code key} is present with the shape the config implies. */
    public void check(String key, long[] expectedShape) {
        checkShape(key, expectedShape, " (from " + CONFIG + ")");
    }

    /** Canonical bare key -> name in the file, for every tensor but the ignored ones. */
    public Map<String, String> keys() {
        return keys;
    }

    /** True when the checkpoint holds {@code key} (a bare {@code *Model} name; aliases resolve). */
    public boolean has(String key) {
        return keys.containsKey(canonical(key));
    }

    /**
     * The tensor {@code key} as float32 in C order, after checking its shape ({@code expectedShape}
     * empty means a scalar).
     *
     * @throws IllegalArgumentException when missing or of another shape (the message names key, expected and found)
     */
    public float[] tensor(String key, long... expectedShape) {
        TensorInfo t = checkShape(key, expectedShape, "");
        return weights.readFloats(t.name(), null);
    }

    /**
     * As {@link #tensor}, but into a buffer this checkpoint reuses (its first numel elements; it
     * may be longer): valid only until the next call. For weights that are repacked at once, so
     * that loading does not make a model's worth of short-lived arrays (which the garbage
     * collector would partly promote, leaving the heap, and so the resident set, larger).
     * Not for concurrent use.
     */
    public float[] scratchTensor(String key, long... expectedShape) {
        TensorInfo t = checkShape(key, expectedShape, "");
        scratch = weights.readFloats(t.name(), scratch);
        return scratch;
    }

    /**
     * A second reusable buffer of at least n floats, for the repacked form of a
     * {@link #scratchTensor}; valid until the next call. Not for concurrent use.
     */
    public float[] scratch(int n) {
        if (scratch2.length < n) {
            scratch2 = new float[n];
        }
        return scratch2;
    }

    public EncoderConfig config() {
        return config;
    }

    public PreprocessorConfig preprocessor() {
        return preprocessor;
    }

    public Path directory() {
        return directory;
    }

    /** The underlying weights file(s) (all tensors, including the ignored ones). */
    public WeightFiles weights() {
        return weights;
    }

    /** Names in the file that are deliberately not used (heads, quantizer, SpecAugment vector). */
    public List<String> ignored() {
        return ignored;
    }

    /** Lower-case hex SHA-256 of the weights ({@link WeightFiles#sha256()}), computed on first use. */
    public String sha256() {
        try {
            return weights.sha256();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        return WeightFiles.sha256(List.of(file));
    }

    @Override
    public void close() throws IOException {
        weights.close();
    }
}
