package org.greenspoof.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.greenspoof.audio.flac.FlacDecoder;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCorpusTest {

    @TempDir
    Path tmp;

    @Test
    void writesAnAsvspoof2019LaCorpusDeterministically() throws IOException {
        int n = SyntheticCorpus.write(tmp.resolve("a"), 7);
        SyntheticCorpus.write(tmp.resolve("b"), 7);
        assertEquals(Datasets.Format.ASVSPOOF2019_LA, Datasets.detect(tmp.resolve("a")));
        int total = 0;
        Map<String, Set<String>> speakers = new TreeMap<>();
        for (String part : List.of("train", "dev", "eval")) {
            List<Utterance> u = Datasets.read(tmp.resolve("a"), part);
            total += u.size();
            speakers.put(part, u.stream().map(Utterance::speaker).collect(Collectors.toSet()));
            Map<String, Long> attacks = u.stream().collect(Collectors.groupingBy(Utterance::attack, TreeMap::new,
                    Collectors.counting()));
            assertTrue(u.stream().anyMatch(x -> x.label() == Label.BONAFIDE), part);
            assertEquals(part.equals("eval") ? Set.of("-", "D01", "D02", "D03") : Set.of("-", "D01", "D02"),
                    attacks.keySet(), part);
            for (Utterance x : u.subList(0, 3)) {
                var a = FlacDecoder.decode(x.audio());
                assertEquals(16000, a.sampleRate());
                assertTrue(a.seconds() >= 1.0 && a.seconds() <= 2.0, "duration " + a.seconds());
                assertArrayEquals(Files.readAllBytes(x.audio()),
                        Files.readAllBytes(tmp.resolve("b").resolve(tmp.resolve("a").relativize(x.audio()))),
                        "same seed, same bytes");
            }
        }
        assertEquals(n, total);
        assertFalse(speakers.get("train").stream().anyMatch(speakers.get("eval")::contains), "disjoint speakers");
        assertTrue(Files.readString(tmp.resolve("a/README.txt")).contains("SYNTHETIC"));
    }
}
