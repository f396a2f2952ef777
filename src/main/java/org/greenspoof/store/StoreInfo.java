package org.greenspoof.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * The header of an embedding store ({@code store.json}): what produced the vectors and from which data.
 *
 * @param format        always {@value #FORMAT}
 * @param version       format version, {@value #VERSION} ({@value #OLDEST_READABLE} is read too)
 * @param frontend      "lfcc" or "encoder"
 * @param model         the checkpoint folder and model type, or the front-end definition
 * @param modelSha256   SHA-256 of the checkpoint weights (null for LFCC)
 * @param layers        the stored layers, in shard order (hidden_states index; LFCC has only layer 0)
 * @param pooling       "mean" or "meanstd"
 * @param dim           length of one stored vector
 * @param partition     "train", "dev" or "eval"
 * @param dataset       absolute path of the dataset folder or list
 * @param datasetFormat the recognised dataset format
 * @param greenspoof    version of the program that created the store ({@code org.greenspoof.Version})
 * @param created       ISO-8601 creation time
 */
public record StoreInfo(String format, int version, String frontend, String model, String modelSha256,
                        int[] layers, String pooling, int dim, String partition, String dataset,
                        String datasetFormat, String greenspoof, String created) {
    public static final String FORMAT = "greenspoof-embeddings";
    /** 2: commits may sit in journal.jsonl (a version-1 reader would miss them); 1: index.json only. */
    public static final int VERSION = 2;
    /** The oldest version this program reads: a version-1 store is a version-2 store without a journal. */
    public static final int OLDEST_READABLE = 1;

    /** This header with another format version. */
    StoreInfo withVersion(int v) {
        return new StoreInfo(format, v, frontend, model, modelSha256, layers, pooling, dim, partition, dataset,
                datasetFormat, greenspoof, created);
    }

    /** Index of {@code layer} in {@link #layers()}, or an error naming the stored layers. */
    public int layerIndex(int layer) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                return i;
            }
        }
        throw new IllegalArgumentException("the store holds layers " + Arrays.toString(layers) + ", not layer " + layer);
    }

    /**
     * Why {@code other} (what a command is about to write) cannot continue this store, or null when
     * it can: everything but the creation time and program version must agree.
     */
    public String conflictWith(StoreInfo other) {
        StringBuilder why = new StringBuilder();
        diff(why, "front-end", frontend, other.frontend);
        diff(why, "model", model, other.model);
        diff(why, "model sha256", modelSha256, other.modelSha256);
        diff(why, "layers", Arrays.toString(layers), Arrays.toString(other.layers));
        diff(why, "pooling", pooling, other.pooling);
        diff(why, "dim", dim, other.dim);
        diff(why, "partition", partition, other.partition);
        diff(why, "dataset", dataset, other.dataset);
        return why.length() == 0 ? null : why.toString();
    }

    private static void diff(StringBuilder why, String what, Object stored, Object wanted) {
        if (!Objects.equals(stored, wanted)) {
            why.append(why.length() == 0 ? "" : "; ").append(what).append(" is ").append(stored)
                    .append(" in the store but ").append(wanted).append(" now");
        }
    }
}
