package org.greenspoof.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.fuzz.Outcomes;

/**
 * Fuzz target for the store's JSON files (seeds in StoreFuzzTestInputs/): the input is
 * {@code store.json NUL index.json NUL journal.jsonl} (a missing part is a missing file). The store is
 * opened and everything train and score use is read (its shards are absent). Allowed: a store, or a
 * StoreException naming the store folder or one of its files.
 */
class StoreFuzzTest {
    private static final Path DIR = Outcomes.scratch("store");

    @FuzzTest(maxDuration = "10m")
    void store(byte[] data) throws Exception {
        String[] names = {EmbeddingStore.HEADER, EmbeddingStore.INDEX, EmbeddingStore.JOURNAL};
        int from = 0;
        for (String name : names) {
            Files.deleteIfExists(DIR.resolve(name));
            if (from <= data.length) {
                int end = from;
                while (end < data.length && data[end] != 0) {
                    end++;
                }
                Outcomes.write(DIR, name, Arrays.copyOfRange(data, from, end));
                from = end + 1;
            }
        }
        Outcomes.only(DIR, () -> {
            EmbeddingStore s = EmbeddingStore.open(DIR);
            s.entries();
            s.labels();
            s.attacks();
            s.storedIds();
            s.failures();
            for (int layer : s.info().layers()) {
                s.layer(layer);
            }
        }, StoreException.class);
    }
}
