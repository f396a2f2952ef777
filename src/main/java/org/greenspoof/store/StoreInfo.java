package org.greenspoof.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.greenspoof.dataset.ShardSpec;

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
 * @param shard         the part of the partition this store holds, "I/N" ({@code embed --shard}); absent (null)
 *                      for the whole partition, and then not written to store.json
 */
public record StoreInfo(String format, int version, String frontend, String model, String modelSha256,
                        int[] layers, String pooling, int dim, String partition, String dataset,
                        String datasetFormat, String greenspoof, String created,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String shard) {
    public static final String FORMAT = "greenspoof-embeddings";
    /** 2: commits may sit in journal.jsonl (a version-1 reader would miss them); 1: index.json only. */
    public static final int VERSION = 2;
    /** The oldest version this program reads: a version-1 store is a version-2 store without a journal. */
    public static final int OLDEST_READABLE = 1;

    /** This header with another format version. */
    StoreInfo withVersion(int v) {
        return new StoreInfo(format, v, frontend, model, modelSha256, layers, pooling, dim, partition, dataset,
                datasetFormat, greenspoof, created, shard);
    }

    /** This header for another part of the partition ({@code null}: all of it), created by this program now. */
    public StoreInfo withShard(String part, String program, String createdAt) {
        return new StoreInfo(format, version, frontend, model, modelSha256, layers, pooling, dim, partition, dataset,
                datasetFormat, program, createdAt, part);
    }

    /** The part of the partition this store holds, or null for all of it. */
    public ShardSpec shardSpec() {
        return shard == null ? null : ShardSpec.parse(shard);
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

    /** What makes this store's vectors comparable with others'. */
    public EmbeddingSpec embedding() {
        return new EmbeddingSpec(model, modelSha256, layers, pooling, dim);
    }

    /**
     * The fields that determine the vectors and the data they come from (everything but the shard,
     * the creation time and the program version; the model description only where the weights
     * differ, see {@link EmbeddingSpec#differences}) in which {@code other} differs from this header.
     */
    public List<EmbeddingSpec.Difference> provenanceDifferences(StoreInfo other) {
        List<EmbeddingSpec.Difference> out = new ArrayList<>();
        EmbeddingSpec.diff(out, "front-end", frontend, other.frontend);
        out.addAll(embedding().differences(other.embedding()));
        EmbeddingSpec.diff(out, "partition", partition, other.partition);
        EmbeddingSpec.diff(out, "dataset", dataset, other.dataset);
        return out;
    }

    /**
     * Why {@code other} (what a command is about to write) cannot continue this store, or null when
     * it can: everything but the creation time and program version must agree, the shard included.
     */
    public String conflictWith(StoreInfo other) {
        List<EmbeddingSpec.Difference> all = provenanceDifferences(other);
        EmbeddingSpec.diff(all, "shard", shard == null ? "none (the whole partition)" : shard,
                other.shard == null ? "none (the whole partition)" : other.shard);
        StringBuilder why = new StringBuilder();
        for (EmbeddingSpec.Difference d : all) {
            why.append(why.length() == 0 ? "" : "; ").append(d.field()).append(" is ").append(d.mine())
                    .append(" in the store but ").append(d.theirs()).append(" now");
        }
        return why.length() == 0 ? null : why.toString();
    }
}
