package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.classify.Calibration;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Label;
import org.greenspoof.detect.Detector;
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

    static List<JsonNode> jsonLines(Capture c) throws IOException {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : c.out().lines().toList()) {
            out.add(m.readTree(line));
        }
        return out;
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
        List<JsonNode> arr = jsonLines(json);
        assertEquals(3, arr.size(), "the folder's two .flac files and the broken .wav:\n" + json.out());
        assertEquals(a.resolve("x.flac").toString(), arr.get(0).get("path").asText());
        assertEquals(b.resolve("x.flac").toString(), arr.get(1).get("path").asText());
        Calibration cal = ClassifierFile.read(SharedModel.model()).calibration();
        for (int i = 0; i < 2; i++) {
            JsonNode o = arr.get(i);
            assertEquals(cal.probability(o.get("score").asDouble()), o.get("probability").asDouble(), 1e-12);
            assertTrue(o.get("calibrated").asBoolean(), o.toString());
            assertTrue(o.has("threshold") && o.has("warning") && o.has("label"), o.toString());
        }
        assertEquals(broken.toString(), arr.get(2).get("path").asText());
        assertTrue(arr.get(2).get("error").asText().length() > 0 && !arr.get(2).has("score"), arr.get(2).toString());
    }

    /**
     * Scores agree this closely between our MP3 decode and mpg123's of the same file: the two decodes
     * differ by about -130 dB (Mp3ReaderTest), far below what moves an LFCC score by a thousandth.
     */
    private static final double MP3_SCORE_TOLERANCE = 1e-3;

    /** A folder's .mp3 files are scored, as mpg123's decode of them is. */
    @Test
    void mp3FilesAreScoredAsTheirMpg123Decode() throws Exception {
        org.greenspoof.audio.Tools.assumeInstalled("lame");
        org.greenspoof.audio.Tools.assumeInstalled("mpg123");
        Path wav = tmp.resolve("speech.wav"), mp3 = Files.createDirectories(tmp.resolve("m")).resolve("speech.mp3");
        Path ref = tmp.resolve("ref.wav");
        Path speech = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        org.greenspoof.audio.Tools.writeFloatWav(wav, AudioReader.readMono16k(speech), 16000);
        org.greenspoof.audio.Tools.run("lame", "--quiet", "-b", "64", wav.toString(), mp3.toString());
        org.greenspoof.audio.Tools.run("mpg123", "-q", "-e", "f32", "-w", ref.toString(), mp3.toString());
        String model = SharedModel.model().toString();
        List<JsonNode> ours = jsonLines(Capture.run("detect", "--json", "--classifier", model, mp3.getParent().toString())
                .expect(ExitCode.OK));
        List<JsonNode> theirs = jsonLines(Capture.run("detect", "--json", "--classifier", model, ref.toString())
                .expect(ExitCode.OK));
        assertEquals(1, ours.size());
        assertEquals(mp3.toString(), ours.get(0).get("path").asText());
        assertEquals(theirs.get(0).get("score").asDouble(), ours.get(0).get("score").asDouble(), MP3_SCORE_TOLERANCE);
    }

    /** A pure tone is nothing like speech: its verdict carries a warning; the corpus's own files do not. */
    @Test
    void anInputFarOutsideTheTrainingDataIsFlagged() throws IOException {
        Path tone = sine(tmp.resolve("tone.wav"), 440, 2);
        Path speech = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        Capture c = Capture.run("detect", "--json", "--classifier", SharedModel.model().toString(), tone.toString(),
                speech.toString()).expect(ExitCode.OK);
        List<JsonNode> arr = jsonLines(c);
        assertTrue(arr.get(0).get("warning").asText().startsWith("far outside the training data"), c.out());
        assertTrue(arr.get(1).get("warning").isNull(), c.out());
        Capture t = Capture.run("detect", "--classifier", SharedModel.model().toString(), tone.toString());
        assertTrue(t.out().contains("  warning: far outside the training data"), t.out());
    }

    /**
     * Windows: each window's score is the classifier's score of that slice of the decoded audio
     * (scored here through the library on slices the test cuts itself), windows start every hop and
     * the last ends at the end of the file, the file's verdict is its lowest window, and the spoofed
     * share is the covered length of the spoof windows.
     */
    @Test
    void longRecordingsAreScoredInWindows() throws IOException {
        Path audio = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        float[] x = AudioReader.readMono16k(audio, AudioLimits.DEFAULT);
        Capture c = Capture.run("detect", "--json", "--whole-up-to", "0", "--window", "0.5", "--hop", "0.2",
                "--classifier", SharedModel.model().toString(), audio.toString()).expect(ExitCode.OK);
        JsonNode o = jsonLines(c).get(0);
        JsonNode segs = o.get("segments");
        double seconds = x.length / 16000.0;
        assertEquals(seconds, o.get("seconds").asDouble(), 1e-9);
        int expected = (int) Math.ceil((x.length - 8000) / 3200.0) + 1;
        assertEquals(expected, segs.size(), o.toString());
        double min = Double.POSITIVE_INFINITY, covered = 0, coveredTo = 0;
        try (Detector d = Detector.load(SharedModel.model(), null)) {
            for (int i = 0; i < segs.size(); i++) {
                JsonNode g = segs.get(i);
                int from = i == segs.size() - 1 ? x.length - 8000 : 3200 * i;
                assertEquals(from / 16000.0, g.get("start").asDouble(), 1e-9);
                assertEquals((from + 8000) / 16000.0, g.get("end").asDouble(), 1e-9);
                Detector.Verdict v = d.score("w", Arrays.copyOfRange(x, from, from + 8000), 16000);
                assertEquals(v.score(), g.get("score").asDouble(), 1e-9, "window " + i);
                assertEquals(v.bonafide() ? "bonafide" : "spoof", g.get("label").asText());
                min = Math.min(min, v.score());
                if (!v.bonafide()) {
                    double a = Math.max(from / 16000.0, coveredTo), b = (from + 8000) / 16000.0;
                    covered += Math.max(0, b - a);
                    coveredTo = Math.max(coveredTo, b);
                }
            }
        }
        assertEquals(min, o.get("score").asDouble(), 1e-12);
        assertEquals(covered / seconds, o.get("spoofed_share").asDouble(), 1e-9);
        assertEquals(1 - ClassifierFile.read(SharedModel.model()).calibration().probability(min),
                o.get("max_spoof_probability").asDouble(), 1e-9);

        Capture text = Capture.run("detect", "--whole-up-to", "0", "--window", "0.5", "--hop", "0.2", "--classifier",
                SharedModel.model().toString(), audio.toString()).expect(ExitCode.OK);
        assertEquals(1 + expected, text.out().lines().count(), text.out());
        assertTrue(text.out().lines().findFirst().orElseThrow().contains(expected + " windows over"), text.out());
    }

    /**
     * Readable scores: the shared model was trained without --dev, so its calibration and far=X
     * operating points are on the train partition; scoring that partition at far=X accepts that
     * share of its spoofs. A model file without a calibration (as older ones) is reported uncalibrated.
     */
    @Test
    void probabilitiesAreCalibratedAndFarThresholdsGiveThatFar() throws IOException {
        List<Utterance> train = Datasets.read(SharedCorpus.get(), "train");
        List<Path> spoof = train.stream().filter(u -> u.label() == Label.SPOOF).map(Utterance::audio).toList();
        String model = SharedModel.model().toString();
        double far = 0.25;
        List<String> args = new ArrayList<>(List.of("detect", "--json", "--threshold", "far=" + far, "--classifier", model));
        spoof.forEach(p -> args.add(p.toString()));
        List<JsonNode> arr = jsonLines(Capture.run(args.toArray(String[]::new)).expect(ExitCode.OK));
        Calibration cal = ClassifierFile.read(SharedModel.model()).calibration();
        assertEquals("train", cal.fittedOn());
        assertEquals(spoof.size(), cal.spoofCount());
        long accepted = arr.stream().filter(o -> o.get("label").asText().equals("bonafide")).count();
        assertEquals((long) Math.floor(far * spoof.size()), accepted, "FAR on the scores the threshold was chosen on");
        assertEquals(cal.thresholdAtFar(far), arr.get(0).get("threshold").asDouble(), 0.0);
        arr.sort((x, y) -> Double.compare(x.get("score").asDouble(), y.get("score").asDouble()));
        for (int i = 1; i < arr.size(); i++) {
            assertTrue(arr.get(i - 1).get("probability").asDouble() <= arr.get(i).get("probability").asDouble(),
                    "P(bona fide) rises with the score");
        }

        Path one = spoof.get(0);
        Capture fixed = Capture.run("detect", "--threshold", "-1e9", "--classifier", model, one.toString()).expect(ExitCode.OK);
        assertTrue(fixed.out().matches("(?s)\\S+ \\S+ P=[01]\\.\\d{3} bonafide\\n"), "a raw-score threshold: " + fixed.out());

        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(SharedModel.model().toFile());
        doc.remove("calibration");
        Path old = tmp.resolve("uncalibrated.json");
        new ObjectMapper().writeValue(old.toFile(), doc);
        JsonNode o = jsonLines(Capture.run("detect", "--json", "--classifier", old.toString(), one.toString())
                .expect(ExitCode.OK)).get(0);
        assertFalse(o.get("calibrated").asBoolean(), o.toString());
        assertEquals(1 / (1 + Math.exp(-o.get("score").asDouble())), o.get("probability").asDouble(), 1e-12,
                "uncalibrated: the classifier's own sigmoid of the score");
        assertTrue(Capture.run("detect", "--classifier", old.toString(), one.toString()).expect(ExitCode.OK).out()
                .contains(" P=uncalibrated "));
        Capture refused = Capture.run("detect", "--threshold", "far=0.01", "--classifier", old.toString(), one.toString());
        assertTrue(refused.err().contains("retrain"), refused.err());
    }

    /** @list files, CSV with a quoted path, and --on-error fail stopping at the first unreadable file. */
    @Test
    void listsCsvAndFailFast() throws IOException {
        List<Utterance> eval = Datasets.read(SharedCorpus.get(), "eval");
        Path comma = Files.copy(eval.get(0).audio(), tmp.resolve("a,b.flac"));
        Path second = eval.get(1).audio();
        Path list = Files.writeString(tmp.resolve("list.txt"), "'" + comma + "'\n" + second + "\n");
        String model = SharedModel.model().toString();
        Capture direct = Capture.run("detect", "--csv", "--classifier", model, comma.toString(), second.toString())
                .expect(ExitCode.OK);
        Capture listed = Capture.run("detect", "--csv", "--classifier", model, "@" + list).expect(ExitCode.OK);
        assertEquals(direct.out(), listed.out());
        List<String> rows = listed.out().lines().toList();
        assertEquals("path,segment,start,end,score,probability,calibrated,label,warning,error", rows.get(0));
        assertTrue(rows.get(1).startsWith("\"" + comma + "\",file,0.0,"), rows.get(1));
        assertEquals(3, rows.size(), listed.out());
        assertTrue(listed.err().contains("2 files: "), listed.err());

        Path broken = Files.write(tmp.resolve("broken.wav"), new byte[] {'R', 'I', 'F', 'F'});
        Capture fail = Capture.run("detect", "--on-error", "fail", "--classifier", model, broken.toString(),
                second.toString()).expect(ExitCode.ERROR);
        assertEquals("", fail.out(), "nothing scored after the first unreadable file");
        assertTrue(fail.err().contains(broken.toString()), fail.err());
    }

    /** The timeline picture: a well-formed SVG with one dot per window and the threshold; a PNG of the stated size. */
    @Test
    void plotsOneRecordingsTimeline() throws Exception {
        Path audio = Datasets.read(SharedCorpus.get(), "eval").get(0).audio();
        String model = SharedModel.model().toString();
        Path svg = tmp.resolve("t.svg"), png = tmp.resolve("t.png");
        Capture c = Capture.run("detect", "--json", "--whole-up-to", "0", "--window", "0.5", "--hop", "0.25", "--plot",
                svg.toString(), "--classifier", model, audio.toString()).expect(ExitCode.OK);
        int windows = jsonLines(c).get(0).get("segments").size();
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(svg.toFile());
        assertEquals(windows, doc.getElementsByTagName("circle").getLength());
        assertTrue(Files.readString(svg).contains("stroke-dasharray") && Files.readString(svg).contains("threshold"));
        Capture.run("detect", "--plot", png.toString(), "--classifier", model, audio.toString()).expect(ExitCode.OK);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(380, img.getHeight());
        Capture two = Capture.run("detect", "--plot", svg.toString(), "--classifier", model, audio.toString(),
                audio.toString()).expect(ExitCode.ERROR);
        assertTrue(two.err().contains("--plot draws one recording"), two.err());
    }
}
