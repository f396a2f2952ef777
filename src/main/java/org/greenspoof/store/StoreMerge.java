package org.greenspoof.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.greenspoof.Version;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.ShardSpec;
import org.greenspoof.dataset.Utterance;

/**
 * Joins the stores of {@code embed --shard 0/N} to {@code N-1/N} into the store of the whole partition,
 * as one {@code embed} run without {@code --shard} would have written it: the same utterances in the
 * dataset's protocol order (read again from the dataset the headers name), the same vectors, the same
 * failures, committed {@code shardSize} utterances at a time ({@link StoreWriter}).
 *
 * <p>Refused, naming the stores: a store that is not a shard, stores of different jobs (the field and
 * both values), a shard given twice or missing, an utterance in two stores or in the wrong shard, one the
 * protocol does not list, and a shard whose run is unfinished (utterances neither stored nor failed).
 */
public final class StoreMerge {
    private StoreMerge() {
    }

    /** What was merged: the shards, in order, and the merged store's counts. */
    public record Result(List<String> shards, int stored, int failed) {
    }

    /** Where an utterance is: a store, a shard of it, a row of that shard. */
    private record Location(int store, int shard, int row) {
    }

    public static Result merge(List<Path> inputs, Path out, int shardSize) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no stores to merge");
        }
        StoreWriter.requireAbsent(out);
        List<EmbeddingStore> stores = new ArrayList<>();
        for (Path p : inputs) {
            stores.add(EmbeddingStore.open(p));
        }
        StoreInfo first = stores.get(0).info();
        ShardSpec[] parts = new ShardSpec[stores.size()];
        for (int i = 0; i < stores.size(); i++) {
            StoreInfo info = stores.get(i).info();
            if (info.shard() == null) {
                throw new IllegalArgumentException(inputs.get(i) + " is not a shard: its " + EmbeddingStore.HEADER
                        + " has no shard, it holds the whole partition already");
            }
            parts[i] = info.shardSpec();
            List<EmbeddingSpec.Difference> diffs = first.provenanceDifferences(info);
            if (!diffs.isEmpty()) {
                EmbeddingSpec.Difference d = diffs.get(0);
                throw new IllegalArgumentException(inputs.get(0) + " and " + inputs.get(i) + " are not shards of the "
                        + "same job: " + d.field() + " is " + d.mine() + " in " + inputs.get(0) + " but " + d.theirs()
                        + " in " + inputs.get(i));
            }
        }
        int count = parts[0].count();
        Path[] byIndex = new Path[count];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].count() != count) {
                throw new IllegalArgumentException(inputs.get(0) + " is shard " + parts[0] + " but " + inputs.get(i)
                        + " is shard " + parts[i] + ": shards of one split all have the same N");
            }
            Path other = byIndex[parts[i].index()];
            if (other != null) {
                throw new IllegalArgumentException(other + " and " + inputs.get(i) + " are both shard " + parts[i]);
            }
            byIndex[parts[i].index()] = inputs.get(i);
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            if (byIndex[k] == null) {
                missing.add(k + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                got.add(parts[i] + " (" + inputs.get(i) + ")");
            }
            throw new IllegalArgumentException("missing shard" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + "; got " + String.join(", ", got));
        }

        // Every utterance once, in the shard its id belongs to.
        Map<String, Location> stored = new HashMap<>();
        Map<String, EmbeddingStore.Failure> failed = new HashMap<>();
        Map<String, Integer> owner = new HashMap<>();
        List<List<EmbeddingStore.Shard>> shardLists = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            List<EmbeddingStore.Shard> shards = stores.get(i).shards();
            shardLists.add(shards);
            for (int s = 0; s < shards.size(); s++) {
                List<EmbeddingStore.Entry> rows = shards.get(s).utterances();
                for (int r = 0; r < rows.size(); r++) {
                    claim(rows.get(r).id(), i, inputs, parts, owner);
                    stored.put(rows.get(r).id(), new Location(i, s, r));
                }
            }
            for (EmbeddingStore.Failure f : stores.get(i).failures()) {
                claim(f.id(), i, inputs, parts, owner);
                failed.put(f.id(), f);
            }
        }

        // The protocol gives the order, and tells which shard is unfinished.
        List<Utterance> protocol = Datasets.read(Path.of(first.dataset()), first.partition());
        Map<Integer, List<String>> unfinished = new HashMap<>();
        for (Utterance u : protocol) {
            if (owner.remove(u.id()) == null) {
                unfinished.computeIfAbsent(ShardSpec.of(u.id(), count), k -> new ArrayList<>()).add(u.id());
            }
        }
        if (!owner.isEmpty()) {
            String id = new TreeSet<>(owner.keySet()).first();
            throw new IllegalArgumentException(inputs.get(owner.get(id)) + " holds utterance " + id + ", which the "
                    + first.partition() + " protocol of " + first.dataset() + " does not list (" + owner.size()
                    + " such utterances)");
        }
        if (!unfinished.isEmpty()) {
            int k = new TreeSet<>(unfinished.keySet()).first();
            List<String> ids = unfinished.get(k);
            throw new IllegalArgumentException("shard " + k + "/" + count + " (" + byIndex[k] + ") is unfinished: "
                    + ids.size() + " of its utterances are neither stored nor failed (first: " + ids.get(0)
                    + "); rerun its embed command to finish it");
        }

        StoreInfo merged = first.withShard(null, Version.text(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ShardCache cache = new ShardCache(stores, shardLists, stored);
        int[] next = {0};
        StoreWriter.write(out, merged, shardSize, () -> {
            if (next[0] == protocol.size()) {
                return null;
            }
            String id = protocol.get(next[0]++).id();
            Location at = stored.get(id);
            if (at == null) {
                return StoreWriter.Item.failed(failed.get(id));
            }
            return StoreWriter.Item.stored(shardLists.get(at.store).get(at.shard).utterances().get(at.row),
                    cache.vectors(at));
        });
        List<String> names = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            names.add(k + "/" + count);
        }
        return new Result(names, stored.size(), failed.size());
    }

    /** Records that store {@code i} holds {@code id}: refused when another store does too, or it is not in i's shard. */
    private static void claim(String id, int i, List<Path> inputs, ShardSpec[] parts, Map<String, Integer> owner) {
        Integer other = owner.putIfAbsent(id, i);
        if (other != null) {
            throw new IllegalArgumentException("utterance " + id + " is in " + inputs.get(other) + " and in "
                    + inputs.get(i) + (other == i ? " twice" : ""));
        }
        if (!parts[i].keeps(id)) {
            throw new IllegalArgumentException(inputs.get(i) + " (shard " + parts[i] + ") holds utterance " + id
                    + ", which belongs to shard " + ShardSpec.of(id, parts[i].count()) + "/" + parts[i].count());
        }
    }

    /**
     * The shard files being copied: one is read when its first utterance is needed and dropped after
     * its last, so memory holds the few shards the protocol order is going through.
     */
    private static final class ShardCache {
        private final List<EmbeddingStore> stores;
        private final List<List<EmbeddingStore.Shard>> shards;
        private final Map<Long, float[][][]> open = new HashMap<>();
        private final Map<Long, Integer> left = new HashMap<>();

        ShardCache(List<EmbeddingStore> stores, List<List<EmbeddingStore.Shard>> shards, Map<String, Location> stored) {
            this.stores = stores;
            this.shards = shards;
            stored.values().forEach(at -> left.merge(key(at), 1, Integer::sum));
        }

        private static long key(Location at) {
            return ((long) at.store << 32) | at.shard;
        }

        float[][] vectors(Location at) throws IOException {
            long key = key(at);
            float[][][] shard = open.get(key);
            if (shard == null) {
                shard = stores.get(at.store).vectors(shards.get(at.store).get(at.shard));
                open.put(key, shard);
            }
            if (left.merge(key, -1, Integer::sum) == 0) {
                open.remove(key);
            }
            return shard[at.row];
        }
    }
}
