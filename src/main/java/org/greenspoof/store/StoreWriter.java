package org.greenspoof.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.greenspoof.io.AtomicFiles;

/**
 * Writes a complete store in one go from utterances that are already embedded (a merge of shards, an
 * export of Spark's output), committed as {@code embed} commits them: in the given order, every
 * {@code shardSize} utterances (failed ones counted) one commit, so the result has the index and shard
 * files an {@code embed} run over the same utterances writes. The store is built in a hidden sibling
 * folder ({@code .NAME.tmp-HEX}) and renamed into place when complete: {@code out} never holds half a store.
 */
public final class StoreWriter {
    private StoreWriter() {
    }

    /** One utterance, in store order: stored with its vectors ({@code [layers][dim]}), or failed. */
    public record Item(EmbeddingStore.Entry entry, float[][] vectors, EmbeddingStore.Failure failure) {
        public static Item stored(EmbeddingStore.Entry entry, float[][] vectors) {
            return new Item(entry, vectors, null);
        }

        public static Item failed(EmbeddingStore.Failure failure) {
            return new Item(null, null, failure);
        }
    }

    /** The utterances to write, one at a time; null after the last. */
    @FunctionalInterface
    public interface Source {
        Item next() throws IOException;
    }

    /** Writes the store {@code out} (which must not exist yet) with header {@code info}. */
    public static void write(Path out, StoreInfo info, int shardSize, Source items) throws IOException {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size must be >= 1, not " + shardSize);
        }
        requireAbsent(out);
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (EmbeddingStore store = EmbeddingStore.createOrResume(tmp, info)) {
                for (Item item = items.next(); item != null; ) {
                    List<EmbeddingStore.Entry> entries = new ArrayList<>();
                    List<float[][]> vectors = new ArrayList<>();
                    List<EmbeddingStore.Failure> failures = new ArrayList<>();
                    for (int n = 0; n < shardSize && item != null; n++, item = items.next()) {
                        if (item.failure() != null) {
                            failures.add(item.failure());
                        } else {
                            entries.add(item.entry());
                            vectors.add(item.vectors());
                        }
                    }
                    store.append(entries, vectors.toArray(new float[0][][]), failures);
                }
                store.compact();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            AtomicFiles.syncDirectory(parent);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Refuses an {@code out} that exists: checked again by {@link #write}, and by callers before their work starts. */
    public static void requireAbsent(Path out) {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; this writes a new store: choose another --out or delete it");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
