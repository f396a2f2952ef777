package org.greenspoof.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.report.FileProblem;
import org.greenspoof.report.Progress;

/**
 * Embeds the utterances of a partition into a store, resuming after whatever an earlier run committed.
 * Utterances go through in protocol order, a shard at a time: the files of one shard are decoded and
 * embedded by {@code workers} threads, then the shard is committed. Memory is bounded by one shard of
 * vectors plus one decoded file per worker.
 *
 * <p>Utterances that failed in an earlier run are tried again: a file fixed since then is stored
 * and leaves the failure list. When {@code stop} turns true (a signal), no further file is started;
 * the files in flight finish and the finished prefix of the current shard is committed, so an
 * interrupted run loses at most the files that were still waiting.
 */
public final class EmbedJob {

    /** What to do with an utterance that cannot be read or embedded. */
    public enum OnError {
        SKIP, FAIL
    }

    /** Decodes an audio file to 16 kHz mono float samples. */
    @FunctionalInterface
    public interface AudioLoader {
        float[] load(Path file) throws IOException;
    }

    /**
     * @param processed    utterances embedded in this run
     * @param resumed      utterances found stored by an earlier run
     * @param failures     failures of this run
     * @param audioSeconds duration of the utterances embedded in this run
     * @param stopped      the run was stopped before it reached the end of the partition
     */
    public record Result(int processed, int resumed, List<EmbeddingStore.Failure> failures, double audioSeconds,
                         boolean stopped) {
    }

    private final Embedder.Factory factory;
    private final AudioLoader loader;
    private final int workers;
    private final int shardSize;
    private final OnError onError;

    public EmbedJob(Embedder.Factory factory, AudioLoader loader, int workers, int shardSize, OnError onError) {
        if (workers < 1 || shardSize < 1) {
            throw new IllegalArgumentException("workers and shard size must be >= 1");
        }
        this.factory = factory;
        this.loader = loader;
        this.workers = workers;
        this.shardSize = shardSize;
        this.onError = onError;
    }

    /** The utterances of {@code all} that {@code store} does not yet hold (failed ones included), in order. */
    public static List<Utterance> pending(List<Utterance> all, EmbeddingStore store) {
        Set<String> done = store.storedIds();
        return all.stream().filter(u -> !done.contains(u.id())).toList();
    }

    /** {@code vectors} null: failed with {@code error}, or (error null too) not started because of a stop. */
    private record Outcome(float[][] vectors, double seconds, String error) {
        static final Outcome NOT_STARTED = new Outcome(null, 0, null);
    }

    public Result run(List<Utterance> all, EmbeddingStore store, Progress progress) throws IOException {
        return run(all, store, progress, () -> false);
    }

    /** As {@link #run(List, EmbeddingStore, Progress)}, stopping early (see the class comment) once {@code stop} is true. */
    public Result run(List<Utterance> all, EmbeddingStore store, Progress progress, BooleanSupplier stop)
            throws IOException {
        List<Utterance> todo = pending(all, store);
        int resumed = all.size() - todo.size();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "greenspoof-embed");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<Embedder> embedders = ThreadLocal.withInitial(factory::create);
        List<EmbeddingStore.Failure> failures = new ArrayList<>();
        int processed = 0;
        double seconds = 0;
        boolean stopped = false;
        try {
            for (int from = 0; from < todo.size() && !stopped; from += shardSize) {
                List<Utterance> chunk = todo.subList(from, Math.min(todo.size(), from + shardSize));
                List<Future<Outcome>> futures = new ArrayList<>();
                for (Utterance u : chunk) {
                    // Workers take tasks in order and check stop first, so the started ones form a prefix.
                    futures.add(pool.submit(() -> stop.getAsBoolean() ? Outcome.NOT_STARTED
                            : embedOne(u, embedders.get(), progress)));
                }
                List<EmbeddingStore.Entry> entries = new ArrayList<>();
                List<float[][]> vectors = new ArrayList<>();
                List<EmbeddingStore.Failure> chunkFailures = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    Utterance u = chunk.get(i);
                    Outcome o = await(futures.get(i));
                    if (o == Outcome.NOT_STARTED) {
                        stopped = true;
                        break;
                    }
                    if (o.error != null) {
                        if (onError == OnError.FAIL) {
                            throw new IOException("utterance " + u.id() + " (" + u.audio() + "): " + o.error
                                    + "; the store keeps everything before its shard, rerun to resume");
                        }
                        chunkFailures.add(new EmbeddingStore.Failure(u.id(), u.audio().toString(), o.error));
                        continue;
                    }
                    entries.add(new EmbeddingStore.Entry(u.id(), u.label().token(), u.attack(), u.speaker(),
                            o.seconds));
                    vectors.add(o.vectors);
                    seconds += o.seconds;
                }
                store.append(entries, vectors.toArray(new float[0][][]), chunkFailures);
                processed += entries.size();
                failures.addAll(chunkFailures);
            }
            store.compact();
        } finally {
            pool.shutdownNow();
        }
        return new Result(processed, resumed, failures, seconds, stopped);
    }

    private Outcome embedOne(Utterance u, Embedder embedder, Progress progress) {
        try {
            float[] audio = loader.load(u.audio());
            float[][] v = embedder.embed(audio);
            return new Outcome(v, audio.length / 16000.0, null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, 0, FileProblem.describe(u.audio(), e));
        } finally {
            progress.advance(1);
        }
    }

    private static Outcome await(Future<Outcome> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            // Errors (out of memory, a bug) are not per-file problems: let them stop the run.
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
