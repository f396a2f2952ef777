package org.greenspoof.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.report.Progress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingStoreTest {

    @TempDir
    Path tmp;
    private final List<Utterance> utts = new ArrayList<>();

    /** Raw float32 "audio" files; the fake embedder's layers are simple functions of the samples. */
    @BeforeEach
    void corpus() throws IOException {
        for (int i = 0; i < 10; i++) {
            float[] x = new float[1600 + 160 * i];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) Math.sin(0.01 * (i + 1) * j);
            }
            ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(x);
            Path p = tmp.resolve("u" + i + ".f32");
            Files.write(p, b.array());
            utts.add(new Utterance("u" + i, p, i % 3 == 0 ? Label.BONAFIDE : Label.SPOOF, i % 3 == 0 ? "-" : "A0" + i,
                    "spk" + i % 2));
        }
    }

    static float[] loadF32(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[b.remaining() / 4];
        b.asFloatBuffer().get(x);
        return x;
    }

    /** Two layers of dim 3: (sum, max, length) and (mean, min, first sample). */
    static final Embedder.Factory FAKE = new Embedder.Factory() {
        @Override
        public Embedder create() {
            return x -> {
                float sum = 0, max = -1e9f, min = 1e9f;
                for (float v : x) {
                    sum += v;
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
                return new float[][] {{sum, max, x.length}, {sum / x.length, min, x[0]}};
            };
        }

        @Override
        public String frontend() {
            return "test";
        }

        @Override
        public String model() {
            return "fake";
        }

        @Override
        public String modelSha256() {
            return "00";
        }

        @Override
        public int[] layers() {
            return new int[] {3, 7};
        }

        @Override
        public String pooling() {
            return "mean";
        }

        @Override
        public int dim() {
            return 3;
        }
    };

    static StoreInfo info(Embedder.Factory f, String partition) {
        return new StoreInfo(StoreInfo.FORMAT, StoreInfo.VERSION, f.frontend(), f.model(), f.modelSha256(),
                f.layers(), f.pooling(), f.dim(), partition, "/data", "CSV", "test", "2026-01-01T00:00:00Z", null);
    }

    private static Progress quiet() {
        return new Progress(System.err, "test", 0, false);
    }

    private EmbedJob.Result embed(Path dir, EmbedJob.AudioLoader loader, EmbedJob.OnError onError) throws IOException {
        try (EmbeddingStore s = EmbeddingStore.createOrResume(dir, info(FAKE, "train"))) {
            return new EmbedJob(FAKE, loader, 2, 3, onError).run(utts, s, quiet());
        }
    }

    static void assertSameStore(Path a, Path b) throws IOException {
        EmbeddingStore x = EmbeddingStore.open(a), y = EmbeddingStore.open(b);
        assertEquals(x.entries(), y.entries());
        assertEquals(x.failures(), y.failures());
        for (int layer : x.info().layers()) {
            assertArrayEquals(x.layer(layer), y.layer(layer));
        }
    }

    @Test
    void storesEveryLayerInOrderAndNumpyReadsIt() throws IOException, InterruptedException {
        Path dir = tmp.resolve("s");
        EmbedJob.Result r = embed(dir, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);
        assertEquals(10, r.processed());
        EmbeddingStore s = EmbeddingStore.open(dir);
        assertEquals(10, s.entries().size());
        assertEquals(new EmbeddingStore.Entry("u1", "spoof", "A01", "spk1", (1600 + 160) / 16000.0), s.entries().get(1));
        assertEquals(Label.BONAFIDE, s.entries().get(3).labelValue());
        float[][] l3 = s.layer(3), l7 = s.layer(7);
        float[] x4 = loadF32(utts.get(4).audio());
        assertEquals(x4.length, l3[4][2]);
        assertEquals(x4[0], l7[4][2]);
        assertThrows(IllegalArgumentException.class, () -> s.layer(5));
        List<String> shards;
        try (var files = Files.list(dir)) {
            shards = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy")).sorted().toList();
        }
        assertEquals(List.of("shard-00000.npy", "shard-00001.npy", "shard-00002.npy", "shard-00003.npy"), shards);

        // numpy, an independent reader, sees the documented [utterances][layers][dim] float32 array.
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "Debian python3 with numpy needed for the numpy check");
        Process p = new ProcessBuilder(python.toString(), "-c",
                "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape, repr(float(a[1, 1, 2])))",
                dir.resolve("shard-00001.npy").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        assertEquals("float32 (3, 2, 3) " + (double) l7[4][2], out);
    }

    @Test
    void crashMidRunResumesWithNothingLostOrDuplicated() throws IOException {
        Path whole = tmp.resolve("whole"), crashed = tmp.resolve("crashed");
        embed(whole, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);

        AtomicInteger loads = new AtomicInteger();
        class Crash extends Error {
        }
        EmbedJob.AudioLoader dying = p -> {
            if (loads.incrementAndGet() == 6) {
                throw new Crash();
            }
            return loadF32(p);
        };
        assertThrows(Crash.class, () -> embed(crashed, dying, EmbedJob.OnError.SKIP));
        int committed = EmbeddingStore.open(crashed).entries().size();
        assertTrue(committed >= 3 && committed < 10, "some but not all shards committed: " + committed);
        // Commits went to the journal; index.json was not rewritten per shard.
        assertEquals(committed / 3, Files.readAllLines(crashed.resolve(EmbeddingStore.JOURNAL)).size());
        assertTrue(Files.readString(crashed.resolve(EmbeddingStore.INDEX)).contains("\"shards\":[]"));
        // What a kill between the shard rename and the journal append leaves behind, a kill in the
        // middle of an append, and the temporaries of an interrupted compaction.
        Files.write(crashed.resolve(String.format("shard-%05d.npy", committed / 3)), new byte[] {1, 2, 3});
        Files.writeString(crashed.resolve(EmbeddingStore.JOURNAL), "{\"shard\":{\"file\":\"shard-000",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(committed, EmbeddingStore.open(crashed).entries().size(), "a torn last line is not a commit");
        Files.write(crashed.resolve(".index.json.tmp-1f2e3d"), new byte[] {'{'});
        Files.write(crashed.resolve("shard-00009.npy4242.tmp"), new byte[] {1});

        EmbedJob.Result r = embed(crashed, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);
        assertEquals(committed, r.resumed());
        assertEquals(10 - committed, r.processed());
        assertFalse(Files.exists(crashed.resolve(".index.json.tmp-1f2e3d")));
        assertFalse(Files.exists(crashed.resolve("shard-00009.npy4242.tmp")));
        assertFalse(Files.exists(crashed.resolve(EmbeddingStore.JOURNAL)), "folded into index.json at the end");
        assertSameStore(whole, crashed);
        // Running again finds nothing to do.
        assertEquals(0, embed(crashed, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP).processed());
        assertSameStore(whole, crashed);
    }

    /** A kill after compaction wrote index.json but before it deleted the journal duplicates nothing. */
    @Test
    void aJournalAlreadyFoldedIntoTheIndexAddsNothing() throws IOException {
        Path whole = tmp.resolve("whole"), copy = tmp.resolve("copy");
        AtomicInteger loads = new AtomicInteger();
        class Crash extends Error {
        }
        assertThrows(Crash.class, () -> embed(whole, p -> {
            if (loads.incrementAndGet() == 8) {
                throw new Crash();
            }
            return loadF32(p);
        }, EmbedJob.OnError.SKIP));
        String journal = Files.readString(whole.resolve(EmbeddingStore.JOURNAL));
        embed(whole, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);
        Files.createDirectories(copy);
        try (var files = Files.list(whole)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.writeString(copy.resolve(EmbeddingStore.JOURNAL), journal);
        assertSameStore(whole, copy);
        assertEquals(10, EmbeddingStore.open(copy).entries().size());
    }

    /**
     * A reader opening the store while a run commits and compacts (and a second run resumes) always
     * sees a prefix of what gets stored, never an error or a hole.
     */
    @Test
    void readersDuringARunSeeAConsistentPrefix() throws Exception {
        Path dir = tmp.resolve("live");
        StoreInfo info = info(FAKE, "train");
        List<EmbeddingStore.Entry> all = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            all.add(new EmbeddingStore.Entry("u" + i, "spoof", "A01", "s", 1.0));
        }
        EmbeddingStore.createOrResume(dir, info).close();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                // Many short runs: every run's end and every resume compacts, the moment a reader can trip on.
                for (int run = 0; run < 60; run++) {
                    try (EmbeddingStore s = EmbeddingStore.createOrResume(dir, info)) {
                        for (int n = 0; n < 5; n++) {
                            int from = s.entries().size();
                            s.append(all.subList(from, from + 2), new float[2][2][3], List.of());
                        }
                        s.compact();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                done.set(true);
            }
        });
        writer.start();
        int opens = 0, last = 0;
        while (!done.get()) {
            List<EmbeddingStore.Entry> seen = EmbeddingStore.open(dir).entries();
            assertEquals(all.subList(0, seen.size()), seen);
            assertTrue(seen.size() >= last, "never fewer than an earlier open saw");
            last = seen.size();
            opens++;
        }
        writer.join();
        assertEquals(all, EmbeddingStore.open(dir).entries());
        assertTrue(opens > 10, "the reader raced the writer: " + opens + " opens");
    }

    @Test
    void versionOneStoresAreReadAndUpgradedWhenResumed() throws IOException {
        Path dir = tmp.resolve("v1");
        embed(dir, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);
        Path header = dir.resolve(EmbeddingStore.HEADER);
        Files.writeString(header, Files.readString(header).replace("\"version\" : 2", "\"version\" : 1"));
        assertEquals(1, EmbeddingStore.open(dir).info().version());
        assertEquals(10, EmbeddingStore.open(dir).entries().size());
        EmbeddingStore.createOrResume(dir, info(FAKE, "train")).close();
        assertEquals(2, EmbeddingStore.open(dir).info().version());
        Files.writeString(header, Files.readString(header).replace("\"version\" : 2", "\"version\" : 3"));
        IOException e = assertThrows(IOException.class, () -> EmbeddingStore.open(dir));
        assertTrue(e.getMessage().contains("version 1 to 2, found greenspoof-embeddings version 3 (written by a newer"),
                e.getMessage());
    }

    @Test
    void badFileIsSkippedAndListedOrStopsTheRun() throws IOException {
        EmbedJob.AudioLoader picky = p -> {
            if (p.getFileName().toString().equals("u4.f32")) {
                throw new IOException(p + ": at byte 0: expected fLaC");
            }
            return loadF32(p);
        };
        EmbedJob.Result r = embed(tmp.resolve("skip"), picky, EmbedJob.OnError.SKIP);
        assertEquals(9, r.processed());
        assertEquals(1, r.failures().size());
        EmbeddingStore s = EmbeddingStore.open(tmp.resolve("skip"));
        // The path is the failure's own field; the error does not repeat it.
        assertEquals(List.of(new EmbeddingStore.Failure("u4", utts.get(4).audio().toString(),
                "at byte 0: expected fLaC")), s.failures());
        assertEquals(9, s.layer(3).length);
        assertFalse(s.entries().stream().anyMatch(e -> e.id().equals("u4")));

        IOException e = assertThrows(IOException.class, () -> embed(tmp.resolve("fail"), picky, EmbedJob.OnError.FAIL));
        assertTrue(e.getMessage().startsWith("utterance u4 (" + utts.get(4).audio() + ")"), e.getMessage());
        assertEquals(3, EmbeddingStore.open(tmp.resolve("fail")).entries().size(), "shards before the bad one kept");
    }

    @Test
    void storeOfAnotherJobOrDamagedShardIsRefused() throws IOException {
        Path dir = tmp.resolve("s");
        embed(dir, EmbeddingStoreTest::loadF32, EmbedJob.OnError.SKIP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingStore.createOrResume(dir, info(FAKE, "dev")));
        assertTrue(e.getMessage().contains("partition is train in the store but dev now"), e.getMessage());
        Path shard = dir.resolve("shard-00001.npy");
        byte[] b = Files.readAllBytes(shard);
        b[b.length - 1] ^= 1;
        Files.write(shard, b);
        IOException io = assertThrows(IOException.class, () -> EmbeddingStore.open(dir).layer(3));
        assertTrue(io.getMessage().contains("shard-00001.npy: damaged shard"), io.getMessage());
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("x.txt"), "x");
        assertThrows(IllegalArgumentException.class, () -> EmbeddingStore.createOrResume(other, info(FAKE, "dev")));
    }
}
