package org.greenspoof.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.frontend.EncoderEmbedder;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.store.Embedder;

/**
 * What turns audio into embeddings, as a task receives it: the LFCC front-end or an encoder checkpoint
 * folder (readable at the same path on every executor), the layers (null: all), the pooling and the
 * threads inside one file (a job sets it to {@code spark.task.cpus}).
 *
 * <p>{@link #factory()} loads the encoder once per JVM: a holder keyed by the weights' SHA-256 (taken on the
 * driver when the job starts), so all the tasks of an executor share one copy of the weights, and an executor
 * that finds other weights at that path (replaced while the job ran) fails its task rather than mix models.
 */
public record FrontendSpec(String frontend, String encoder, int[] layers, String pooling, int threads, String sha256)
        implements Serializable {

    private static final Map<String, Embedder.Factory> LOADED = new ConcurrentHashMap<>();

    public FrontendSpec {
        if (!"lfcc".equals(frontend) && !"encoder".equals(frontend)) {
            throw new IllegalArgumentException("the front-end must be encoder or lfcc, not " + frontend);
        }
        if ("encoder".equals(frontend) == (encoder == null)) {
            throw new IllegalArgumentException("encoder".equals(frontend) ? "the encoder front-end needs a checkpoint folder"
                    : "the LFCC front-end takes no checkpoint folder");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        }
    }

    public static FrontendSpec lfcc(String pooling) {
        return new FrontendSpec("lfcc", null, null, pooling == null ? "meanstd" : pooling, 1, null);
    }

    /** An encoder front-end; reads the weights' SHA-256 now (on the driver), which keys the executors' copies. */
    public static FrontendSpec encoder(Path dir, int[] layers, String pooling, int threads) throws IOException {
        String sha;
        try (Checkpoint ck = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            sha = ck.sha256();
        }
        return new FrontendSpec("encoder", dir.toAbsolutePath().normalize().toString(), layers,
                pooling == null ? "mean" : pooling, threads, sha);
    }

    private String key() {
        return frontend + " " + sha256 + " " + Arrays.toString(layers) + " " + pooling + " " + threads;
    }

    /** The embedder factory, loaded at the first call in this JVM and shared after. */
    public Embedder.Factory factory() {
        return LOADED.computeIfAbsent(key(), k -> {
            if (frontend.equals("lfcc")) {
                return new LfccEmbedder(pooling);
            }
            try {
                EncoderEmbedder e = EncoderEmbedder.open(Path.of(encoder), layers, pooling,
                        KernelProvider.get().withThreads(threads));
                if (!Objects.equals(e.modelSha256(), sha256)) {
                    throw new IllegalStateException(encoder + ": the weights' SHA-256 is " + e.modelSha256()
                            + " on this executor but was " + sha256 + " when the job started");
                }
                return e;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }
}
