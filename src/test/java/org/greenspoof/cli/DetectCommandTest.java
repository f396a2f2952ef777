package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect for scripts: paths as ids, failures in the JSON, folders as input, out-of-domain inputs flagged. */
class DetectCommandTest {

    @TempDir
    Path tmp;

    /** 16-bit mono PCM WAV of a sine tone. */
    static Path sine(Path file, double hz, double seconds) throws IOException {
        int rate = 16000, n = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(16000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        return Files.write(file, b.array());
    }

    @Test
    void sameNamesInTwoFoldersFailuresAndFoldersInJson() throws IOException {
        List<Utterance> eval = Datasets.read(SharedCorpus.get(), "eval");
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        Files.copy(eval.get(0).audio(), a.resolve("x.flac"));
        Files.copy(eval.get(1).audio(), b.resolve("x.flac"));
        Files.writeString(b.resolve("notes.txt"), "not audio, not listed");
        Path broken = Files.write(tmp.resolve("broken.wav"), new byte[] {'R', 'I', 'F', 'F'});
        String model = SharedModel.model().toString();

        Capture text = Capture.run("detect", "--classifier", model, a.resolve("x.flac").toString(),
                b.resolve("x.flac").toString()).expect(ExitCode.OK);
        List<String> lines = text.out().lines().toList();
        assertTrue(lines.get(0).startsWith(a.resolve("x.flac") + " ") && lines.get(1).startsWith(b.resolve("x.flac") + " "),
                text.out());

        Capture json = Capture.run("detect", "--json", "--classifier", model, tmp.toString()).expect(ExitCode.SKIPPED);
        JsonNode arr = new ObjectMapper().readTree(json.out());
        assertEquals(3, arr.size(), "the folder's two .flac files and the broken .wav:\n" + json.out());
        assertEquals(a.resolve("x.flac").toString(), arr.get(0).get("path").asText());
        assertEquals(b.resolve("x.flac").toString(), arr.get(1).get("path").asText());
        for (int i = 0; i < 2; i++) {
            JsonNode o = arr.get(i);
            assertEquals(1 / (1 + Math.exp(-o.get("score").asDouble())), o.get("probability").asDouble(), 1e-12);
            assertTrue(o.has("threshold") && o.has("warning") && o.has("label"), o.toString());
        }
        assertEquals(broken.toString(), arr.get(2).get("path").asText());
        assertTrue(arr.get(2).get("error").asText().length() > 0 && !arr.get(2).has("score"), arr.get(2).toString());
    }

    /** A pure tone is nothing like speech: its verdict carries a warning; the corpus's own files do not. */
    @Test
    void anInputFarOutsideTheTrainingDataIsFlagged() throws IOException {
        Path tone = sine(tmp.resolve("tone.wav"), 440, 2);
        Path speech = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        Capture c = Capture.run("detect", "--json", "--classifier", SharedModel.model().toString(), tone.toString(),
                speech.toString()).expect(ExitCode.OK);
        JsonNode arr = new ObjectMapper().readTree(c.out());
        assertTrue(arr.get(0).get("warning").asText().startsWith("far outside the training data"), c.out());
        assertTrue(arr.get(1).get("warning").isNull(), c.out());
        Capture t = Capture.run("detect", "--classifier", SharedModel.model().toString(), tone.toString());
        assertTrue(t.out().contains("  warning: far outside the training data"), t.out());
    }
}
