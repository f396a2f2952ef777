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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.report.Progress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 #8, #9, #14, #15: hostile store files, concurrent writers, shards lost or damaged. */
class StoreSafetyTest {

    @TempDir
    Path tmp;
    private final List<Utterance> utts = new ArrayList<>();

    @BeforeEach
    void corpus() throws IOException {
        for (int i = 0; i < 10; i++) {
            ByteBuffer b = ByteBuffer.allocate(4 * (400 + 40 * i)).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < 400 + 40 * i; j++) {
                b.putFloat((float) Math.cos(0.02 * (i + 1) * j));
            }
            Path p = tmp.resolve("u" + i + ".f32");
            Files.write(p, b.array());
            utts.add(new Utterance("u" + i, p, i % 2 == 0 ? Label.BONAFIDE : Label.SPOOF, i % 2 == 0 ? "-" : "A01", "s"));
        }
    }

    private EmbedJob.Result embed(Path dir) throws IOException {
        try (EmbeddingStore s = EmbeddingStore.createOrResume(dir, EmbeddingStoreTest.info(EmbeddingStoreTest.FAKE, "train"))) {
            return new EmbedJob(EmbeddingStoreTest.FAKE, EmbeddingStoreTest::loadF32, 1, 3, EmbedJob.OnError.SKIP)
                    .run(utts, s, new Progress(System.err, "test", 0, false));
        }
    }

    private static void edit(Path file, UnaryOperator<String> change) throws IOException {
        Files.writeString(file, change.apply(Files.readString(file)));
    }

    /** #8: null or missing fields in store.json, index.json or a journal line name the file (and line). */
    @Test
    void nullFieldsAreRefusedNamingTheFile() throws IOException {
        Path good = tmp.resolve("good");
        embed(good);
        String[][] cases = {
            {EmbeddingStore.INDEX, "\"shards\":[", "\"shards\":null,\"x\":["},
            {EmbeddingStore.INDEX, "\"failures\":[]", "\"failures\":null"},
            {EmbeddingStore.INDEX, "\"utterances\":[", "\"utterances\":[null,"},
            {EmbeddingStore.INDEX, "\"label\":\"spoof\"", "\"label\":null"},
            {EmbeddingStore.INDEX, "\"id\":\"u1\"", "\"id\":null"},
            {EmbeddingStore.INDEX, "\"file\":\"shard-00001.npy\"", "\"file\":\"../../etc/passwd\""},
            {EmbeddingStore.HEADER, "\"layers\" : [ 3, 7 ]", "\"layers\" : null"},
            {EmbeddingStore.HEADER, "\"pooling\" : \"mean\"", "\"pooling\" : null"},
            {EmbeddingStore.HEADER, "\"dim\" : 3", "\"dim\" : 2147483647"},
        };
        for (String[] c : cases) {
            Path dir = copy(good, "case");
            Path file = dir.resolve(c[0]);
            String before = Files.readString(file);
            edit(file, s -> s.replaceFirst(java.util.regex.Pattern.quote(c[1]), c[2]));
            assertFalse(before.equals(Files.readString(file)), "edited " + c[1]);
            StoreException e = assertThrows(StoreException.class, () -> EmbeddingStore.open(dir), c[2]);
            assertTrue(e.getMessage().startsWith(file + ": expected "), e.getMessage());
        }
        Path journaled = copy(good, "journal");
        Files.writeString(journaled.resolve(EmbeddingStore.JOURNAL), "{\"shard\":null,\"failures\":[null]}\n");
        StoreException e = assertThrows(StoreException.class, () -> EmbeddingStore.open(journaled));
        assertTrue(e.getMessage().startsWith(journaled.resolve(EmbeddingStore.JOURNAL) + ":1: expected failures"),
                e.getMessage());
    }

    /** #9: malformed JSON names the file, line and column, not Jackson's "[Source: REDACTED ...]". */
    @Test
    void malformedJsonNamesTheFileAndPosition() throws IOException {
        Path dir = tmp.resolve("s");
        embed(dir);
        for (String name : new String[] {EmbeddingStore.INDEX, EmbeddingStore.HEADER}) {
            Path file = dir.resolve(name);
            String saved = Files.readString(file);
            Files.writeString(file, "{\"shards\": [\n  }");
            StoreException e = assertThrows(StoreException.class, () -> EmbeddingStore.open(dir));
            assertTrue(e.getMessage().startsWith(file + ": expected a store ") && e.getMessage().contains("; line 2, column "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("Source") || e.getMessage().contains("\n"), e.getMessage());
            Files.writeString(file, saved);
        }
    }

    /** #14: a second writer is refused, naming the holder; after the first closes, it may write. */
    @Test
    void aSecondWriterIsRefusedByName() throws IOException {
        Path dir = tmp.resolve("s");
        StoreInfo info = EmbeddingStoreTest.info(EmbeddingStoreTest.FAKE, "train");
        try (EmbeddingStore first = EmbeddingStore.createOrResume(dir, info)) {
            StoreException e = assertThrows(StoreException.class, () -> EmbeddingStore.createOrResume(dir, info));
            assertTrue(e.getMessage().startsWith(dir + ": another greenspoof is writing this store (pid "
                    + ProcessHandle.current().pid() + " on "), e.getMessage());
            assertEquals(0, EmbeddingStore.open(dir).entries().size(), "readers are still welcome");
            first.append(List.of(new EmbeddingStore.Entry("a", "spoof", "A01", "s", 1)), new float[1][2][3], List.of());
        }
        try (EmbeddingStore second = EmbeddingStore.createOrResume(dir, info)) {
            assertEquals(1, second.entries().size());
        }
        assertEquals("", Files.readString(dir.resolve(StoreLock.FILE)), "released: no holder named");
        IllegalStateException ro = assertThrows(IllegalStateException.class,
                () -> EmbeddingStore.open(dir).append(List.of(), new float[0][][], List.of()));
        assertTrue(ro.getMessage().contains("opened for reading"), ro.getMessage());
    }

    /** A lock file naming a writer that is gone (killed: the OS released its lock) is taken over. */
    @Test
    void aStaleLockIsTakenOver() throws IOException {
        Path dir = tmp.resolve("s");
        embed(dir);
        Files.writeString(dir.resolve(StoreLock.FILE), "pid 999999 on a-dead-host since 2026-01-01T00:00:00Z\n");
        assertEquals(0, embed(dir).processed());
        assertEquals(10, EmbeddingStore.open(dir).entries().size());
    }

    /** #15: a shard deleted by hand and a damaged one are found on resume and their utterances embedded again. */
    @Test
    void missingAndDamagedShardsAreEmbeddedAgain() throws IOException {
        Path whole = tmp.resolve("whole"), hurt = tmp.resolve("hurt");
        embed(whole);
        embed(hurt);
        Files.delete(hurt.resolve("shard-00001.npy"));
        Path damaged = hurt.resolve("shard-00002.npy");
        byte[] b = Files.readAllBytes(damaged);
        b[b.length - 2] ^= 0x40;
        Files.write(damaged, b);
        Files.write(hurt.resolve("shard-00000.npy"), new byte[] {1, 2}, java.nio.file.StandardOpenOption.APPEND);

        List<String> repairs;
        try (EmbeddingStore s = EmbeddingStore.createOrResume(hurt, EmbeddingStoreTest.info(EmbeddingStoreTest.FAKE, "train"))) {
            repairs = s.repairs();
        }
        assertEquals(3, repairs.size(), repairs.toString());
        assertTrue(repairs.get(0).startsWith(hurt.resolve("shard-00000.npy") + ": damaged (") && repairs.get(0).contains("bytes"),
                repairs.get(0));
        assertTrue(repairs.get(1).startsWith(hurt.resolve("shard-00001.npy") + ": missing shard; its 3 utterances"),
                repairs.get(1));
        assertTrue(repairs.get(2).startsWith(damaged + ": damaged (CRC-32 "), repairs.get(2));
        assertEquals(9, embed(hurt).processed(), "the three shards' utterances again");
        assertEquals(0, embed(hurt).processed(), "then nothing to do");
        assertEquals(byId(whole, 3), byId(hurt, 3));
        assertEquals(byId(whole, 7), byId(hurt, 7));
        try (var files = Files.list(hurt)) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().endsWith(".npy")).count(), "no stray shard");
        }
    }

    /** #15: resuming in a folder the user may not write says so (root writes anywhere: skipped as root). */
    @Test
    void aReadOnlyStoreFolderSaysPermissionDenied() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root ignores folder permissions");
        Path dir = tmp.resolve("s");
        embed(dir);
        Files.delete(dir.resolve(StoreLock.FILE));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            StoreException e = assertThrows(StoreException.class, () -> embed(dir));
            assertTrue(e.getMessage().startsWith(dir + ": permission denied"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static Map<String, List<Float>> byId(Path dir, int layer) throws IOException {
        EmbeddingStore s = EmbeddingStore.open(dir);
        Map<String, List<Float>> m = new HashMap<>();
        float[][] v = s.layer(layer);
        for (int i = 0; i < v.length; i++) {
            List<Float> row = new ArrayList<>();
            for (float x : v[i]) {
                row.add(x);
            }
            m.put(s.entries().get(i).id(), row);
        }
        assertEquals(s.entries().size(), m.size(), "every id once");
        return m;
    }

    private Path copy(Path from, String prefix) throws IOException {
        Path to = Files.createTempDirectory(tmp, prefix);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
