package org.greenspoof.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What makes two embedding vectors comparable: the model that computed them (for an encoder, its
 * weights' SHA-256 decides; for LFCC, the front-end definition), the layers, the pooling and the
 * vector length. Store headers, training stores and classifier files are checked against each
 * other through {@link #differences}.
 *
 * @param model       the checkpoint folder and model type, or the front-end definition
 * @param modelSha256 SHA-256 of the checkpoint weights (null for LFCC)
 * @param layers      the layers (hidden_states index; LFCC has only layer 0)
 * @param pooling     "mean" or "meanstd"
 * @param dim         length of one vector
 */
public record EmbeddingSpec(String model, String modelSha256, int[] layers, String pooling, int dim) {

    /** One field in which two descriptions differ. */
    public record Difference(String field, Object mine, Object theirs) {
    }

    /** This description for one of its layers only. */
    public EmbeddingSpec withLayer(int layer) {
        return new EmbeddingSpec(model, modelSha256, new int[] {layer}, pooling, dim);
    }

    /**
     * The fields in which {@code other} differs from this, in the order model, model sha256, layers,
     * pooling, dim. The model description does not count when both name the same weights (the
     * checkpoint may sit in another folder).
     */
    public List<Difference> differences(EmbeddingSpec other) {
        List<Difference> out = new ArrayList<>();
        if (modelSha256 == null || !modelSha256.equals(other.modelSha256)) {
            diff(out, "model", model, other.model);
        }
        diff(out, "model sha256", modelSha256, other.modelSha256);
        diff(out, "layers", Arrays.toString(layers), Arrays.toString(other.layers));
        diff(out, "pooling", pooling, other.pooling);
        diff(out, "dim", dim, other.dim);
        return out;
    }

    static void diff(List<Difference> out, String what, Object mine, Object theirs) {
        if (!Objects.equals(mine, theirs)) {
            out.add(new Difference(what, mine, theirs));
        }
    }
}
