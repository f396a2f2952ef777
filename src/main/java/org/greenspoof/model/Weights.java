package org.greenspoof.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/**
 * A scoped view of a checkpoint's tensors, after candle's {@code VarBuilder}:
 * {@code w.pp("encoder").list("layers", ...)[3]} addresses {@code encoder.layers.3.*}. Each module
 * takes its weights from one, naming every key and the shape its config implies, so the modules are
 * the one list of what a checkpoint holds. The loader records each key and shape it serves and
 * checks it against the file (the error names key, expected and found shape); {@link #checkUnused}
 * then reports what the modules did not take.
 *
 * <p>Built {@link #checking} a checkpoint or from the config alone ({@link #shapesOnly}), the same
 * module constructors run as a shape-only pass: every read returns null and nothing is allocated or
 * packed, so the expected tensors, inspect's check and the FLOP count come from the modules.
 */
final class Weights {

    private static final Logger LOG = Logger.getLogger(Weights.class.getName());

    /** What one pass shares across its scopes. */
    private static final class Pass {
        /** Null in a shapes-only pass. */
        final Checkpoint checkpoint;
        /** Null unless the pass reads data (packing is for these kernels). */
        final Kernels kernels;
        /** Served key -> shape, in module order. */
        final Map<String, long[]> served = new LinkedHashMap<>();
        /** Numbered scopes ({@code encoder.layers}) -> how many the config has and which field says so. */
        final Map<String, Count> lists = new LinkedHashMap<>();

        Pass(Checkpoint checkpoint, Kernels kernels) {
            this.checkpoint = checkpoint;
            this.kernels = kernels;
        }
    }

    private record Count(int count, String field) {
    }

    private static final Pattern NUMBERED = Pattern.compile("^(.+?)\\.(\\d+)\\.");

    private final Pass pass;
    private final String prefix;

    private Weights(Pass pass, String prefix) {
        this.pass = pass;
        this.prefix = prefix;
    }

    /** Reads the tensors of {@code ck}, packing matrices for {@code kernels}. */
    static Weights reading(Checkpoint ck, Kernels kernels) {
        return new Weights(new Pass(ck, kernels), "");
    }

    /** Checks keys and shapes against {@code ck} without reading data. */
    static Weights checking(Checkpoint ck) {
        return new Weights(new Pass(ck, null), "");
    }

    /** Records keys and shapes from the config alone. */
    static Weights shapesOnly() {
        return new Weights(new Pass(null, null), "");
    }

    /** The scope {@code prefix.name} (candle's {@code pp}, "push prefix"). */
    Weights pp(String name) {
        return new Weights(pass, key(name));
    }

    /**
     * The scopes {@code name.0} to {@code name.(count - 1)}; a checkpoint tensor under {@code name.N}
     * with N of at least count is reported as beyond the config {@code field}.
     */
    Weights[] list(String name, int count, String field) {
        pass.lists.put(key(name), new Count(count, field));
        Weights[] out = new Weights[count];
        for (int i = 0; i < count; i++) {
            out[i] = pp(name + "." + i);
        }
        return out;
    }

    /** True when this pass reads data (else every read returns null). */
    boolean reads() {
        return pass.kernels != null;
    }

    /** True when the checkpoint holds {@code name} in this scope (false in a shapes-only pass). */
    boolean has(String name) {
        return pass.checkpoint != null && pass.checkpoint.has(key(name));
    }

    /** The tensor {@code name} of this shape, in its own array; null unless {@link #reads}. */
    float[] tensor(String name, long... shape) {
        String key = serve(name, shape);
        return reads() ? pass.checkpoint.tensor(key, shape) : null;
    }

    /**
     * As {@link #tensor}, in a buffer the checkpoint reuses (valid until the next such read): for
     * weights that are transformed and packed at once.
     */
    float[] scratchTensor(String name, long... shape) {
        String key = serve(name, shape);
        return reads() ? pass.checkpoint.scratchTensor(key, shape) : null;
    }

    /** A second reusable buffer of at least n floats (see {@link Checkpoint#scratch}); only when {@link #reads}. */
    float[] scratch(int n) {
        return pass.checkpoint.scratch(n);
    }

    /** The (rows, cols) matrix {@code name} packed for the kernels; null unless {@link #reads}. */
    PackedMatrix matrix(String name, int rows, int cols) {
        float[] w = scratchTensor(name, rows, cols);
        return w == null ? null : pack(w, rows, cols);
    }

    /** The kernels this pass packs for; null unless {@link #reads}. */
    Kernels kernels() {
        return pass.kernels;
    }

    /** A (rows, cols) matrix assembled by the module, packed for the kernels; only when {@link #reads}. */
    PackedMatrix pack(float[] w, int rows, int cols) {
        return pass.kernels.pack(w, rows, cols);
    }

    private String key(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    private String serve(String name, long[] shape) {
        String key = key(name);
        pass.served.put(key, shape.clone());
        if (pass.checkpoint != null) {
            pass.checkpoint.check(key, shape);
        }
        return key;
    }

    /** Every key served so far with its shape, in module order. */
    Map<String, long[]> served() {
        return Collections.unmodifiableMap(pass.served);
    }

    /** Elements of the served tensors. */
    long parameterCount() {
        long n = 0;
        for (long[] shape : pass.served.values()) {
            long e = 1;
            for (long d : shape) {
                e *= d;
            }
            n += e;
        }
        return n;
    }

    /**
     * After the model is built: a checkpoint tensor no module took is an error when it sits in a
     * numbered scope (a layer beyond the config's count, or a tensor a layer of this config does not
     * have); other unknown tensors are only logged.
     */
    void checkUnused() {
        Checkpoint ck = pass.checkpoint;
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : ck.keys().entrySet()) {
            if (pass.served.containsKey(e.getKey())) {
                continue;
            }
            Matcher m = NUMBERED.matcher(e.getKey());
            Count count = m.find() ? pass.lists.get(m.group(1)) : null;
            if (count != null) {
                String where = Integer.parseInt(m.group(2)) >= count.count()
                        ? "is beyond the " + count.field() + " = " + count.count()
                        // e.g. a conv bias with conv_bias false, or a per-layer norm with feat_extract_norm group
                        : "is not part of the layer the config describes (check conv_bias, feat_extract_norm, model_type)";
                throw new IllegalArgumentException(ck.weights().fileOf(e.getValue()) + ": tensor '" + e.getValue() + "' "
                        + where + " of " + ck.directory().resolve(Checkpoint.CONFIG) + ": config and weights disagree");
            }
            unknown.add(e.getValue());
        }
        if (!unknown.isEmpty()) {
            LOG.warning(ck.weights().source() + ": ignoring " + unknown.size() + " tensor(s) the encoder does not use: "
                    + String.join(", ", unknown.subList(0, Math.min(5, unknown.size()))) + (unknown.size() > 5 ? ", ..." : ""));
        }
    }
}
