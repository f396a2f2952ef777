package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user runs into first: each mistake gets one line that says what is wrong, before any work. */
class NewUserTest {

    @TempDir
    Path tmp;

    private static List<Path> tempFolders(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void demoOnAMissingDatasetFailsBeforeTheBannerAndLeavesNoFolder() throws IOException {
        List<Path> before = tempFolders("greenspoof-demo");
        Capture c = Capture.run("demo", "--dataset", tmp.resolve("nope").toString()).expect(ExitCode.ERROR);
        assertEquals("", c.out(), "no banner, no t-DCF line");
        assertEquals("greenspoof demo: " + tmp.resolve("nope") + ": no such dataset folder or .csv list\n", c.err());
        assertEquals(before, tempFolders("greenspoof-demo"), "no temporary folder left behind");
    }

    @Test
    void inspectOfAFolderWithoutConfigFails() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.copy(Path.of("src/test/resources/checkpoint/dtypes.safetensors"), dir.resolve("model.safetensors"));
        Capture c = Capture.run("inspect", "--no-tensors", dir.toString()).expect(ExitCode.ERROR);
        assertTrue(c.out().contains("check       no config.json: cannot check the tensors"), c.out());
        assertEquals("greenspoof inspect: " + dir + ": no config.json: cannot check the tensors\n", c.err());
        // A weights file on its own is not a folder to check.
        Capture.run("inspect", "--no-tensors", dir.resolve("model.safetensors").toString()).expect(ExitCode.OK);
    }

    @Test
    void layersWithoutAModelAskWhetherTheModelWasForgotten() {
        Capture c = Capture.run("embed", "--dataset", SharedCorpus.get().toString(), "--partition", "dev",
                "--layers", "3", "--out", tmp.resolve("s").toString()).expect(ExitCode.ERROR);
        assertEquals("greenspoof embed: --layers 3: the LFCC front-end (used when no --encoder is given) has no layers "
                + "to choose from; did you forget --encoder DIR?\n", c.err());
    }

    @Test
    void aDevOrEvalStoreThatIsTheTrainingStoreIsFlagged() {
        String train = SharedModel.get().resolve("train").toString();
        Capture t = Capture.run("train", "--train", train, "--dev", train, "--c", "1", "--out",
                tmp.resolve("m.json").toString(), "--no-progress").expect(ExitCode.OK);
        assertTrue(t.err().contains("warning: --dev " + train + " is the same store as --train: its EER and threshold "
                + "are measured on the training data, not held out"), t.err());
        Capture s = Capture.run("sweep", "--train", train, "--dev", train, "--eval", train, "--classifiers", "lr", "--c",
                "1", "--out-prefix", tmp.resolve("sw").toString(), "--no-progress").expect(ExitCode.OK);
        assertTrue(s.err().contains("warning: --dev ") && s.err().contains("warning: --eval "), s.err());
        assertEquals(2, s.err().split("warning:", -1).length - 1, "once each, not per layer:\n" + s.err());
    }

    @Test
    void aStoreOfOtherLayersSaysThatLayersCannotBeAdded() {
        Path store = tmp.resolve("s");
        Capture.run("embed", "--encoder", EncoderPipelineTest.TINY.toString(), "--layers", "1", "--dataset",
                SharedCorpus.get().toString(), "--partition", "dev", "--out", store.toString(), "--no-progress")
                .expect(ExitCode.OK);
        Capture c = Capture.run("embed", "--encoder", EncoderPipelineTest.TINY.toString(), "--layers", "0-3", "--dataset",
                SharedCorpus.get().toString(), "--partition", "dev", "--out", store.toString(), "--no-progress")
                .expect(ExitCode.ERROR);
        assertTrue(c.err().contains("layers is [1] in the store but [0, 1, 2, 3] now")
                && c.err().contains("a store's layers are fixed when it is created: embed the other layers into a new "
                + "store (another --out)"), c.err());
    }

    /**
     * 100 s of audio through an encoder in a 32 MB heap (the conv stack's first layer alone needs more):
     * one line with the heap size and how to raise it, exit 1, no stack trace.
     */
    @Test
    void outOfMemorySaysHowToRaiseTheHeap() throws IOException, InterruptedException {
        Path wav = DetectCommandTest.sine(tmp.resolve("long.wav"), 200, 100);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-cp", System.getProperty("java.class.path"), GreenspoofCli.class.getName(), "hidden-states", "--encoder",
                EncoderPipelineTest.TINY.toString(), "--audio", wav.toString(), "--out", tmp.resolve("h.npy").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        int code = p.waitFor();
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(ExitCode.ERROR, code, log);
        assertTrue(log.contains("greenspoof hidden-states: out of memory: the input needs more than the ")
                && log.contains("GREENSPOOF_JAVA_OPTS=-Xmx") && !log.contains("\tat "), log);
    }

    /** No internal enum names, no "layer 0" for LFCC, no 17-digit thresholds. */
    @Test
    void messagesSpeakTheUsersLanguage() throws IOException {
        Path store = tmp.resolve("dev");
        Capture e = Capture.run("embed", "--dataset", SharedCorpus.get().toString(), "--partition", "dev", "--out",
                store.toString(), "--no-progress").expect(ExitCode.OK);
        assertTrue(e.out().startsWith("embed: ASVspoof 2019 LA dev, ") && e.out().contains(", lfcc, LFCC statistics, "),
                e.out());
        Capture t = Capture.run("train", "--train", store.toString(), "--c", "1", "--out", tmp.resolve("m.json").toString(),
                "--no-progress").expect(ExitCode.OK);
        assertTrue(t.out().contains("logistic_regression on LFCC statistics,"), t.out());
        Capture.run("score", "--classifier", tmp.resolve("m.json").toString(), "--store", store.toString(), "--out",
                tmp.resolve("s.txt").toString()).expect(ExitCode.OK);
        Capture ev = Capture.run("eval", "--scores", tmp.resolve("s.txt").toString()).expect(ExitCode.OK);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(threshold (-?[0-9.E-]+)\\)").matcher(ev.out());
        assertTrue(m.find(), ev.out());
        assertTrue(new java.math.BigDecimal(m.group(1)).precision() <= 6, "6 significant digits: " + m.group(1));
    }
}
