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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ctrl-C or SIGTERM in the middle of a shard: what was finished is committed, the run says so and
 * exits 128 + the signal, and the rerun completes the same store an uninterrupted run writes.
 */
class EmbedSignalTest {

    /** How long the interpreted child may take to start embedding (a loaded 2-core CI box). */
    static final long START_SECONDS = 120;
    /** Lets the interpreted child embed some, but not all, of the partition before the signal. */
    static final long RUN_BEFORE_SIGNAL_MILLIS = 2500;

    @TempDir
    Path tmp;

    private static List<String> embedArgs(Path out) {
        // One shard for the whole partition: without the signal handling nothing would be committed.
        return List.of("embed", "--frontend", "lfcc", "--dataset", SharedCorpus.get().toString(), "--partition", "train",
                "--out", out.toString(), "--threads", "1", "--no-progress");
    }

    @ParameterizedTest
    @CsvSource({"TERM, 143", "INT, 130"})
    void aSignalCommitsWhatIsDoneAndTheRerunCompletesTheStore(String signal, int exitCode) throws Exception {
        Path whole = tmp.resolve("whole"), stopped = tmp.resolve("stopped"), log = tmp.resolve("child.log");
        Capture.run(embedArgs(whole).toArray(new String[0])).expect(0);
        int total = EmbeddingStore.open(whole).entries().size();

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "-cp", System.getProperty("java.class.path"), GreenspoofCli.class.getName()));
        cmd.addAll(embedArgs(stopped));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!Files.readString(log).contains("embed: ") && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(RUN_BEFORE_SIGNAL_MILLIS);
        assertTrue(child.isAlive(), "still running at the signal:\n" + Files.readString(log));
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
        assertTrue(child.waitFor(StopOnSignal.GRACE_SECONDS + 30, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertEquals(exitCode, child.exitValue(), out);
        Matcher m = Pattern.compile("interrupted: (\\d+) stored, (\\d+) to do; rerun the same command to resume").matcher(out);
        assertTrue(m.find(), out);
        int stored = Integer.parseInt(m.group(1));
        assertTrue(stored > 0 && stored < total, stored + " of " + total + ":\n" + out);
        assertEquals(total - stored, Integer.parseInt(m.group(2)));
        assertEquals(stored, EmbeddingStore.open(stopped).entries().size());

        Capture resumed = Capture.run(embedArgs(stopped).toArray(new String[0])).expect(0);
        assertTrue(resumed.out().contains((total - stored) + " embedded now, " + stored + " already there"), resumed.out());
        EmbeddingStore a = EmbeddingStore.open(whole), b = EmbeddingStore.open(stopped);
        assertEquals(a.entries(), b.entries());
        assertArrayEquals(a.layer(0), b.layer(0));
        try (var files = Files.list(stopped)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");
        }
    }
}
