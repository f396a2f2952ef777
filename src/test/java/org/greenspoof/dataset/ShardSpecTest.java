package org.greenspoof.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardSpecTest {

    /** Expected shards from Python: int.from_bytes(hashlib.sha256(id.encode()).digest(), 'big') % n. */
    @Test
    void theShardIsTheIdsSha256ModuloN() {
        assertEquals(2, ShardSpec.of("LA_T_1138215", 3));
        assertEquals(2, ShardSpec.of("LA_T_1138215", 7));
        assertEquals(2, ShardSpec.of("LA_D_1047731", 3));
        assertEquals(3, ShardSpec.of("LA_D_1047731", 7));
        assertEquals(1, ShardSpec.of("a", 3));
        assertTrue(ShardSpec.parse("2/3").keeps("LA_T_1138215"));
        assertEquals(0, ShardSpec.of("anything", 1));
    }

    @Test
    void everyUtteranceFallsInExactlyOneShardWhateverTheOrder() {
        List<Utterance> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            all.add(new Utterance("LA_T_" + (1000000 + i * 7919), Path.of(i + ".flac"), Label.SPOOF, "A01", "-"));
        }
        List<Utterance> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(1));
        int total = 0;
        for (int k = 0; k < 4; k++) {
            ShardSpec s = new ShardSpec(k, 4);
            List<Utterance> part = s.select(all);
            total += part.size();
            assertTrue(part.size() > 80 && part.size() < 170, "roughly a quarter: " + part.size());
            assertEquals(part.stream().map(Utterance::id).sorted().toList(),
                    s.select(shuffled).stream().map(Utterance::id).sorted().toList(), "independent of file order");
            assertEquals(part, all.stream().filter(u -> s.keeps(u.id())).toList(), "keeps the given order");
        }
        assertEquals(all.size(), total);
    }

    @Test
    void parsesIOverNAndSaysWhatWasExpected() {
        assertEquals(new ShardSpec(0, 3), ShardSpec.parse("0/3"));
        assertEquals("2/3", ShardSpec.parse(" 2/3 ").toString());
        assertEquals("shard 3/3: expected 0 <= I < N (shards of N are 0/N to 2/3)",
                assertThrows(IllegalArgumentException.class, () -> ShardSpec.parse("3/3")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShardSpec.parse("0/0")).getMessage()
                .startsWith("shard 0/0: expected 0 <= I < N"));
        for (String bad : List.of("1", "a/3", "-1/3", "1/3/4", "")) {
            assertEquals("expected a shard I/N (e.g. 0/4, the first of 4), found '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> ShardSpec.parse(bad)).getMessage());
        }
    }
}
