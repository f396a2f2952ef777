package org.greenspoof.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.greenspoof.dataset.ShardSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stores that no embed run writes (an utterance in two shards, or in the wrong one) are refused by name. */
class StoreMergeTest {

    @TempDir
    Path tmp;

    private Path shardStore(String name, String shard, String... ids) throws IOException {
        Path dir = tmp.resolve(name);
        StoreInfo info = EmbeddingStoreTest.info(EmbeddingStoreTest.FAKE, "eval").withShard(shard, "test",
                "2026-01-01T00:00:00Z");
        try (EmbeddingStore s = EmbeddingStore.createOrResume(dir, info)) {
            float[][][] v = new float[ids.length][][];
            List<EmbeddingStore.Entry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                v[i] = new float[][] {{1, 2, 3}, {4, 5, 6}};
                entries.add(new EmbeddingStore.Entry(ids[i], "spoof", "A01", "-", 1.0));
            }
            s.append(entries, v, List.of());
            s.compact();
        }
        return dir;
    }

    /** The first id "u0", "u1", ... that falls in shard {@code k} of 2. */
    private static String idIn(int k) {
        for (int i = 0; ; i++) {
            if (ShardSpec.of("u" + i, 2) == k) {
                return "u" + i;
            }
        }
    }

    @Test
    void anUtteranceInTwoStoresIsNamedWithBoth() throws IOException {
        String x = idIn(0);
        Path a = shardStore("a", "0/2", x), b = shardStore("b", "1/2", idIn(1), x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreMerge.merge(List.of(a, b), tmp.resolve("out"), 256));
        assertEquals("utterance " + x + " is in " + a + " and in " + b, e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void anUtteranceInTheWrongShardIsNamed() throws IOException {
        String y = idIn(1);
        Path a = shardStore("a", "0/2", idIn(0), y), b = shardStore("b", "1/2", "z" + y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreMerge.merge(List.of(a, b), tmp.resolve("out"), 256));
        assertEquals(a + " (shard 0/2) holds utterance " + y + ", which belongs to shard 1/2", e.getMessage());
    }

    @Test
    void aBadShardFieldInTheHeaderIsAStoreError() throws IOException {
        Path a = shardStore("a", "0/2", idIn(0));
        Path header = a.resolve(EmbeddingStore.HEADER);
        Files.writeString(header, Files.readString(header).replace("\"0/2\"", "\"2/2\""));
        StoreException e = assertThrows(StoreException.class, () -> EmbeddingStore.open(a));
        assertEquals(header + ": field 'shard': shard 2/2: expected 0 <= I < N (shards of N are 0/N to 1/2)",
                e.getMessage());
    }
}
