package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of `greenspoof embed`, then the same command again: the store equals an uninterrupted run's. */
class EmbedKillResumeTest {

    /** How long the interpreted child may take to commit its first shards (a loaded 2-core CI box). */
    private static final long COMMIT_WAIT_SECONDS = 120;

    @TempDir
    Path tmp;

    private List<String> embedArgs(Path corpus, Path out) {
        return List.of("embed", "--frontend", "lfcc", "--dataset", corpus.toString(), "--partition", "train",
                "--out", out.toString(), "--shard-size", "4", "--threads", "2", "--no-progress");
    }

    @Test
    void killedRunResumesToTheSameStore() throws IOException, InterruptedException {
        Path corpus = SharedCorpus.get();
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        Capture.run(embedArgs(corpus, whole).toArray(new String[0])).expect(0);
        int total = EmbeddingStore.open(whole).entries().size();

        // -Xint (no JIT) slows the child enough to be killed between its first and last shard.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                GreenspoofCli.class.getName()));
        cmd.addAll(embedArgs(corpus, killed));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMIT_WAIT_SECONDS);
        int committed = 0;
        while (committed < 8 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            committed = committedEntries(killed);
        }
        child.destroyForcibly();
        child.waitFor();
        int atKill = committedEntries(killed);
        assertTrue(atKill >= 8 && atKill < total, "killed mid-run: " + atKill + " of " + total + " committed; log:\n"
                + Files.readString(tmp.resolve("child.log")));

        Capture resumed = Capture.run(embedArgs(corpus, killed).toArray(new String[0])).expect(0);
        assertTrue(resumed.out().contains((total - atKill) + " embedded now, " + atKill + " already there"), resumed.out());
        EmbeddingStore a = EmbeddingStore.open(whole), b = EmbeddingStore.open(killed);
        assertEquals(a.entries(), b.entries());
        assertEquals(a.failures(), b.failures());
        assertArrayEquals(a.layer(0), b.layer(0));
        try (var files = Files.list(killed)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");
        }
    }

    private static int committedEntries(Path store) {
        try {
            return Files.isRegularFile(store.resolve(EmbeddingStore.HEADER)) ? EmbeddingStore.open(store).entries().size() : 0;
        } catch (IOException e) {
            return 0; // index mid-rename: look again
        }
    }
}
