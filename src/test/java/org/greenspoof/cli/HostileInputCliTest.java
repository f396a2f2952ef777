package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on the hostile inputs of issue 15, end to end: each gives exit code 1 and one line
 * naming the file, quickly, and the other inputs of the run are still handled.
 */
class HostileInputCliTest {
    private static final Path SAMPLE = Path.of("src/test/resources/audio/sample.flac");
    private static final Path W2V2 = Path.of("src/test/resources/encoder/w2v2-base");
    /** Each case is refused from its header or first lines: seconds, not the minutes they once took. */
    private static final Duration QUICK = Duration.ofSeconds(20);
    /** How long the interpreted child may take to load and take the store's lock (a loaded 2-core box). */
    private static final long CHILD_START_SECONDS = 120;

    @TempDir
    Path tmp;

    /**
     * Runs the command, expects its refusal exit code and exactly one stderr line that names
     * {@code file} and says {@code what}. info goes on to the other files and exits 3 (files skipped).
     */
    static Capture refused(Path file, String what, String... args) {
        Capture c = assertTimeoutPreemptively(QUICK, () -> Capture.run(args));
        c.expect(args[0].equals("info") ? ExitCode.SKIPPED : 1);
        assertEquals(1, c.err().lines().filter(l -> !l.startsWith("WARNING")).count(), c.err());
        assertTrue(c.err().startsWith("greenspoof " + args[0] + ": ") && c.err().contains(file.toString())
                && c.err().contains(what), c.err());
        return c;
    }

    /** #1: info on an RF64 whose ds64 size is near 2^63 names it and still describes the next file. */
    @Test
    void infoDescribesTheOtherFilesAfterAHugeRf64Size() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + 36 + 24 + 8 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RF64")).putInt(-1).put(ascii("WAVE"));
        b.put(ascii("ds64")).putInt(28).putLong(b.capacity() - 8).putLong(0x7FFF_FFFF_FFFF_FFF0L).putLong(0).putInt(0);
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(-1);
        Path rf64 = tmp.resolve("a.wav");
        Files.write(rf64, b.array());
        Capture c = refused(rf64, "expected a data chunk of at most 64 bytes", "info", rf64.toString(), SAMPLE.toString());
        assertTrue(c.out().startsWith(SAMPLE + ": flac, 16000 Hz"), c.out());
    }

    /** #12: inspect on a config.json with 2^31 - 4096 layers is refused before any shape is built. */
    @Test
    void inspectRefusesAnAbsurdLayerCount() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.copy(W2V2.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String config = Files.readString(W2V2.resolve("config.json"))
                .replaceFirst("\"num_hidden_layers\"\\s*:\\s*\\d+", "\"num_hidden_layers\": 2147479552");
        Files.writeString(dir.resolve("config.json"), config);
        refused(dir.resolve("config.json"), "num_hidden_layers: expected 1 to 256, found 2147479552", "inspect",
                dir.toString());
    }

    /** #10 and #11: embed on a list that is not UTF-8, or lists a path with a NUL byte, names the file and line. */
    @Test
    void embedNamesTheLineOfANonUtf8ListAndOfANulPath() throws IOException {
        Files.copy(SAMPLE, tmp.resolve("x.flac"));
        Path latin1 = tmp.resolve("latin1.csv");
        Files.write(latin1, "path,label\nx.flac,bonafide\nacc\u00e9s.flac,spoof\n".getBytes(StandardCharsets.ISO_8859_1));
        Path nul = tmp.resolve("nul.csv");
        Files.writeString(nul, "path,label\nx.flac,bonafide\ny\u0000.flac,spoof\n");
        for (Path csv : new Path[] {latin1, nul}) {
            Path out = tmp.resolve("store-" + csv.getFileName());
            refused(csv, csv + ":3: expected ", "embed", "--frontend", "lfcc", "--dataset", csv.toString(),
                    "--partition", "eval", "--out", out.toString(), "--no-progress");
            assertTrue(Files.notExists(out), "nothing written");
        }
    }

    private List<String> embedArgs(Path out, String shardSize) {
        return List.of("embed", "--frontend", "lfcc", "--dataset", SharedCorpus.get().toString(), "--partition", "train",
                "--out", out.toString(), "--shard-size", shardSize, "--threads", "1", "--no-progress");
    }

    /** #8 and #9: train and score on a store whose index has a null label or is not JSON name index.json. */
    @Test
    void trainAndScoreNameABrokenStoreIndex() throws IOException {
        Path store = tmp.resolve("store");
        Capture.run(embedArgs(store, "8").toArray(new String[0])).expect(0);
        Path model = tmp.resolve("m.json");
        Capture.run("train", "--train", store.toString(), "--layer", "0", "--classifier", "lr", "--out", model.toString())
                .expect(0);
        Path index = store.resolve("index.json");
        String good = Files.readString(index);
        Files.writeString(index, good.replaceFirst("\"label\":\"[a-z]+\"", "\"label\":null"));
        refused(index, "expected utterances", "train", "--train", store.toString(), "--layer", "0", "--out",
                tmp.resolve("m2.json").toString());
        Files.writeString(index, good.substring(0, good.length() / 2));
        refused(index, "expected a store index as greenspoof writes it; line 1, column ", "score", "--classifier",
                model.toString(), "--store", store.toString(), "--out", tmp.resolve("s.txt").toString());
        assertTrue(Files.notExists(tmp.resolve("m2.json")) && Files.notExists(tmp.resolve("s.txt")), "nothing written");
    }

    /**
     * #14: a second embed on a store another process is writing (with another --shard-size, as in the
     * issue) is refused naming that process; once it is gone (killed), embed takes its lock over.
     */
    @Test
    void aSecondEmbedOnAStoreBeingWrittenIsRefused() throws IOException, InterruptedException {
        Path store = tmp.resolve("shared-store");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                GreenspoofCli.class.getName()));
        cmd.addAll(embedArgs(store, "4"));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        try {
            Path lock = store.resolve("writer.lock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_START_SECONDS);
            while (child.isAlive() && System.nanoTime() < deadline
                    && !(Files.isRegularFile(lock) && Files.readString(lock).startsWith("pid "))) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), "the child still writes: " + Files.readString(tmp.resolve("child.log")));
            Capture second = refused(store, "another greenspoof is writing this store (pid " + child.pid() + " on ",
                    embedArgs(store, "2").toArray(new String[0]));
            assertEquals("", second.out(), "refused before anything is written or reported");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        Capture resumed = Capture.run(embedArgs(store, "2").toArray(new String[0])).expect(0);
        EmbeddingStore s = EmbeddingStore.open(store);
        assertTrue(resumed.out().contains("stored " + s.entries().size() + " utterances"), resumed.out());
        assertEquals(Datasets.read(SharedCorpus.get(), "train").size(), s.entries().size() + s.failures().size());
    }

    /** #2-#4 at the command line: --max-seconds bounds what is decoded, and says which option to raise. */
    @Test
    void maxSecondsRefusesLongerAudioNamingTheOption() {
        refused(SAMPLE, "expected at most 1 s of audio (--max-seconds), found 24000 frames at 16000 Hz (1.5 s)",
                "info", "--max-seconds", "1", SAMPLE.toString());
        Capture.run("info", "--max-seconds", "1.5", SAMPLE.toString()).expect(0);
    }

    /**
     * #15: a shard deleted by hand is named by train (not just a path), and the next embed says it
     * re-embeds its utterances and ends with the whole partition stored.
     */
    @Test
    void aDeletedShardIsNamedAndEmbeddedAgain() throws IOException {
        Path store = tmp.resolve("store");
        Capture first = Capture.run(embedArgs(store, "8").toArray(new String[0])).expect(0);
        int total = EmbeddingStore.open(store).entries().size();
        Path shard = store.resolve("shard-00001.npy");
        Files.delete(shard);
        refused(shard, "missing shard: the store index lists it but the file is gone", "train", "--train",
                store.toString(), "--layer", "0", "--out", tmp.resolve("m.json").toString());
        Capture again = Capture.run(embedArgs(store, "8").toArray(new String[0])).expect(0);
        assertTrue(again.out().contains("embed: " + shard + ": missing shard; its 8 utterances are embedded again"),
                again.out());
        assertTrue(again.out().contains("stored " + total + " utterances"), again.out() + "\nfirst run:\n" + first.out());
        assertEquals(total, EmbeddingStore.open(store).layer(0).length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
