package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.ShardSpec;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code embed --shard I/N} and {@code store merge}: three shards merged are the store of one run. */
class ShardMergeTest {

    @TempDir
    static Path tmp;
    static Path corpus;

    @BeforeAll
    static void embedWholeAndShards() {
        corpus = SharedCorpus.get();
        Capture.run("embed", "--dataset", corpus.toString(), "--partition", "train", "--out",
                tmp.resolve("whole").toString(), "--shard-size", "7", "--no-progress").expect(0);
        for (int k = 0; k < 3; k++) {
            Capture c = Capture.run("embed", "--dataset", corpus.toString(), "--partition", "train", "--shard", k + "/3",
                    "--out", tmp.resolve("part" + k).toString(), "--shard-size", "3", "--no-progress").expect(0);
            assertTrue(c.out().contains("train shard " + k + "/3 (of "), c.out());
        }
    }

    @Test
    void threeShardsMergedEqualOneRunByteForByte() throws IOException {
        // Given out of order: the merge orders by the protocol, not by the arguments.
        Capture m = Capture.run("store", "merge", tmp.resolve("part2").toString(), tmp.resolve("part0").toString(),
                tmp.resolve("part1").toString(), "--out", tmp.resolve("merged").toString(), "--shard-size", "7").expect(0);
        EmbeddingStore whole = EmbeddingStore.open(tmp.resolve("whole")), merged = EmbeddingStore.open(tmp.resolve("merged"));
        assertTrue(m.out().startsWith("merged shards 0/3, 1/3, 2/3 into " + tmp.resolve("merged") + ": "
                + whole.entries().size() + " utterances stored, 0 failed"), m.out());
        assertEquals(whole.entries(), merged.entries());
        assertArrayEquals(whole.layer(0), merged.layer(0));
        assertEquals(null, merged.info().shard());
        assertEquals(null, whole.info().conflictWith(merged.info()));
        // The same commits as the one run: index.json and every shard file are the same bytes.
        assertArrayEquals(Files.readAllBytes(tmp.resolve("whole/index.json")), Files.readAllBytes(tmp.resolve("merged/index.json")));
        try (Stream<Path> files = Files.list(tmp.resolve("whole"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".npy")).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(tmp.resolve("merged").resolve(f.getFileName())), f.toString());
            }
        }
        // Each shard holds what its ids select, in protocol order.
        List<Utterance> protocol = Datasets.read(corpus, "train");
        for (int k = 0; k < 3; k++) {
            ShardSpec s = new ShardSpec(k, 3);
            assertEquals(s.select(protocol).stream().map(Utterance::id).toList(),
                    EmbeddingStore.open(tmp.resolve("part" + k)).entries().stream().map(EmbeddingStore.Entry::id).toList());
        }
        // A classifier trained on either scores alike.
        for (String store : List.of("whole", "merged")) {
            Capture.run("train", "--train", tmp.resolve(store).toString(), "--c", "0.1,1", "--dev", tmp.resolve("whole").toString(),
                    "--out", tmp.resolve(store + ".json").toString(), "--no-progress").expect(0);
            Capture.run("score", "--classifier", tmp.resolve(store + ".json").toString(), "--store",
                    tmp.resolve("whole").toString(), "--out", tmp.resolve(store + ".txt").toString()).expect(0);
        }
        assertEquals(Files.readString(tmp.resolve("whole.txt")), Files.readString(tmp.resolve("merged.txt")));
    }

    @Test
    void aMissingOrRepeatedShardIsRefusedByName() {
        Capture missing = Capture.run("store", "merge", tmp.resolve("part0").toString(), tmp.resolve("part2").toString(),
                "--out", tmp.resolve("m1").toString()).expect(ExitCode.ERROR);
        assertTrue(missing.err().contains("missing shard 1/3; got 0/3 (" + tmp.resolve("part0") + "), 2/3 ("
                + tmp.resolve("part2") + ")"), missing.err());
        Capture twice = Capture.run("store", "merge", tmp.resolve("part0").toString(), tmp.resolve("part1").toString(),
                tmp.resolve("part0").toString(), "--out", tmp.resolve("m2").toString()).expect(ExitCode.ERROR);
        assertTrue(twice.err().contains(tmp.resolve("part0") + " and " + tmp.resolve("part0") + " are both shard 0/3"),
                twice.err());
        Capture whole = Capture.run("store", "merge", tmp.resolve("whole").toString(), "--out", tmp.resolve("m3").toString())
                .expect(ExitCode.ERROR);
        assertTrue(whole.err().contains(tmp.resolve("whole") + " is not a shard"), whole.err());
        assertFalse(Files.exists(tmp.resolve("m1")) || Files.exists(tmp.resolve("m2")) || Files.exists(tmp.resolve("m3")));
    }

    @Test
    void shardsOfDifferentJobsOrSplitsAreRefused() {
        Path dev = tmp.resolve("dev0");
        Capture.run("embed", "--dataset", corpus.toString(), "--partition", "dev", "--shard", "1/3",
                "--out", dev.toString(), "--no-progress").expect(0);
        Capture c = Capture.run("store", "merge", tmp.resolve("part0").toString(), dev.toString(),
                tmp.resolve("part2").toString(), "--out", tmp.resolve("m4").toString()).expect(ExitCode.ERROR);
        assertTrue(c.err().contains(tmp.resolve("part0") + " and " + dev + " are not shards of the same job: partition is "
                + "train in " + tmp.resolve("part0") + " but dev in " + dev), c.err());
        Path four = tmp.resolve("four");
        Capture.run("embed", "--dataset", corpus.toString(), "--partition", "train", "--shard", "1/4",
                "--out", four.toString(), "--no-progress").expect(0);
        Capture n = Capture.run("store", "merge", tmp.resolve("part0").toString(), four.toString(),
                "--out", tmp.resolve("m5").toString()).expect(ExitCode.ERROR);
        assertTrue(n.err().contains("is shard 0/3 but " + four + " is shard 1/4"), n.err());
    }

    @Test
    void aResumeWithAnotherShardIsRefusedAndBadShardsAreExplained() throws IOException {
        Path s = tmp.resolve("resume");
        Capture.run("embed", "--dataset", corpus.toString(), "--partition", "eval", "--shard", "0/2",
                "--out", s.toString(), "--no-progress").expect(0);
        Capture again = Capture.run("embed", "--dataset", corpus.toString(), "--partition", "eval", "--shard", "0/2",
                "--out", s.toString(), "--no-progress").expect(0);
        assertTrue(again.out().contains("(0 to do)"), again.out());
        Capture other = Capture.run("embed", "--dataset", corpus.toString(), "--partition", "eval", "--shard", "1/2",
                "--out", s.toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(other.err().contains("shard is 0/2 in the store but 1/2 now"), other.err());
        Capture none = Capture.run("embed", "--dataset", corpus.toString(), "--partition", "eval",
                "--out", s.toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(none.err().contains("shard is 0/2 in the store but none (the whole partition) now"), none.err());
        assertTrue(Files.readString(s.resolve("store.json")).contains("\"shard\" : \"0/2\""));
        assertFalse(Files.readString(tmp.resolve("whole/store.json")).contains("shard"), "absent from whole stores");
        Capture bad = Capture.run("embed", "--dataset", corpus.toString(), "--partition", "eval", "--shard", "2/2",
                "--out", tmp.resolve("bad").toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(bad.err().contains("--shard: shard 2/2: expected 0 <= I < N"), bad.err());
    }

    @Test
    void anUnfinishedShardAndFailuresAreCarriedAsTheyAre() throws IOException {
        List<Utterance> dev = Datasets.read(corpus, "dev").subList(0, 8);
        Path list = tmp.resolve("list.csv");
        StringBuilder csv = new StringBuilder("path,label\n");
        dev.forEach(u -> csv.append(u.audio()).append(',').append(u.label().token()).append('\n'));
        Path broken = Files.write(tmp.resolve("broken.flac"), new byte[50]);
        csv.append(broken).append(",spoof\n");
        Files.writeString(list, csv);
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            parts.add(tmp.resolve("list" + k));
            Capture.run("embed", "--dataset", list.toString(), "--partition", "eval", "--shard", k + "/2",
                    "--out", parts.get(k).toString(), "--no-progress");
        }
        Capture.run("embed", "--dataset", list.toString(), "--partition", "eval", "--out",
                tmp.resolve("listwhole").toString(), "--no-progress").expect(ExitCode.SKIPPED);
        Capture m = Capture.run("store", "merge", parts.get(0).toString(), parts.get(1).toString(),
                "--out", tmp.resolve("listmerged").toString()).expect(ExitCode.SKIPPED);
        assertTrue(m.out().contains("8 utterances stored, 1 failed") && m.out().contains("failed broken " + broken), m.out());
        EmbeddingStore whole = EmbeddingStore.open(tmp.resolve("listwhole")), merged = EmbeddingStore.open(tmp.resolve("listmerged"));
        assertEquals(whole.entries(), merged.entries());
        assertEquals(whole.failures(), merged.failures());
        assertArrayEquals(whole.layer(0), merged.layer(0));

        // The list grows after the shards ran: the shard that misses the new utterance is named.
        Utterance extra = Datasets.read(corpus, "dev").get(9);
        Files.writeString(list, extra.audio() + "," + extra.label().token() + "\n", java.nio.file.StandardOpenOption.APPEND);
        List<Utterance> grown = Datasets.read(list, "eval");
        String id = grown.get(grown.size() - 1).id();
        int k = ShardSpec.of(id, 2);
        Capture u = Capture.run("store", "merge", parts.get(0).toString(), parts.get(1).toString(),
                "--out", tmp.resolve("listmerged2").toString()).expect(ExitCode.ERROR);
        assertTrue(u.err().contains("shard " + k + "/2 (" + parts.get(k) + ") is unfinished: 1 of its utterances are "
                + "neither stored nor failed (first: " + id + "); rerun its embed command to finish it"), u.err());
        Capture exists = Capture.run("store", "merge", parts.get(0).toString(), parts.get(1).toString(),
                "--out", tmp.resolve("listmerged").toString()).expect(ExitCode.ERROR);
        assertTrue(exists.err().contains(tmp.resolve("listmerged") + " exists"), exists.err());
    }
}
