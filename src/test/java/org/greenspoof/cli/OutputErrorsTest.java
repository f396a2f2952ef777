package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.greenspoof.dataset.Datasets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output that cannot be written (a full disk, /dev/full, a missing folder) is an error, said before the work. */
class OutputErrorsTest {

    static final String SAMPLE = "src/test/resources/audio/sample.flac";
    static final String SCORES = "src/test/resources/classify/eval/scores4.txt";

    @TempDir
    Path tmp;

    @Test
    void everyReportingCommandFailsWhenStdoutIsFull() throws IOException {
        String audio = Datasets.read(SharedCorpus.get(), "eval").get(0).audio().toString();
        List<String[]> commands = List.of(
                new String[] {"info", SAMPLE},
                new String[] {"info", "--json", SAMPLE},
                new String[] {"eval", "--json", "--scores", SCORES},
                new String[] {"eval", "--scores", SCORES},
                new String[] {"detect", "--classifier", SharedModel.model().toString(), audio},
                new String[] {"version"});
        for (String[] args : commands) {
            Capture c = Capture.runWithFullStdout(args).expect(ExitCode.ERROR);
            // In-process the reason is PrintStream's secret; the child JVM below checks that it is named.
            assertTrue(c.err().contains("greenspoof " + args[0] + ": cannot write the output to standard output"),
                    String.join(" ", args) + ":\n" + c.err());
        }
    }

    /** The real thing, in a child JVM: stdout is /dev/full, as in {@code greenspoof info x.flac > /dev/full}. */
    @Test
    void devFullInAChildJvm() throws IOException, InterruptedException {
        Assumptions.assumeTrue(new File("/dev/full").exists(), "no /dev/full on this system");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GreenspoofCli.class.getName(), "info", SAMPLE));
        Process p = new ProcessBuilder(cmd).redirectOutput(new File("/dev/full"))
                .redirectError(tmp.resolve("err").toFile()).start();
        assertEquals(ExitCode.ERROR, p.waitFor());
        String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
        assertTrue(err.contains("greenspoof info: cannot write the output to standard output (No space left on device)"),
                err);
    }

    @Test
    void anOutputInAMissingFolderIsRefusedBeforeTheWork() throws IOException {
        Path store = SharedModel.get().resolve("train");
        Path missing = tmp.resolve("nodir");
        Capture score = Capture.run("score", "--classifier", SharedModel.model().toString(), "--store", store.toString(),
                "--out", missing.resolve("s.txt").toString()).expect(ExitCode.ERROR);
        assertEquals("greenspoof score: --out " + missing.resolve("s.txt") + ": the folder " + missing
                + " does not exist\n", score.err());
        assertEquals("", score.out(), "refused before any work");
        Capture train = Capture.run("train", "--train", store.toString(), "--out", missing.resolve("m.json").toString(),
                "--no-progress").expect(ExitCode.ERROR);
        assertTrue(train.err().contains("--out " + missing.resolve("m.json") + ": the folder " + missing
                + " does not exist"), train.err());
        assertEquals("", train.out(), "refused before training");
        Capture sweep = Capture.run("sweep", "--train", store.toString(), "--dev", store.toString(), "--out",
                missing.resolve("sw").toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(sweep.err().contains("the folder " + missing + " does not exist"), sweep.err());
        assertEquals("", sweep.out(), "refused before the sweep");
        Files.writeString(tmp.resolve("file"), "x");
        Capture notDir = Capture.run("eval", "--scores", SCORES, "--det", tmp.resolve("file").resolve("det.svg").toString())
                .expect(ExitCode.ERROR);
        assertTrue(notDir.err().contains("--det " + tmp.resolve("file").resolve("det.svg") + ": " + tmp.resolve("file")
                + " is not a folder"), notDir.err());
        Capture embed = Capture.run("embed", "--dataset", SharedCorpus.get().toString(), "--partition", "dev",
                "--out", tmp.resolve("file").resolve("store").toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(embed.err().contains(tmp.resolve("file") + " is not a folder"), embed.err());
    }
}
