package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.classify.Calibration;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.detect.Detector;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.StoreInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on a random-weight encoder (the encoder tests' tiny wav2vec2 checkpoint: 3 layers, hidden 48). */
class EncoderPipelineTest {

    static final Path TINY = Path.of("src/test/resources/encoder/w2v2-base");
    static final Path OTHER = Path.of("src/test/resources/encoder/hubert-base");
    /** Mean pooling recomputed here in double vs the encoder's float pooling of the same hidden states. */
    static final double POOLING_TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;
    static Path stores;

    @BeforeAll
    static void embed() {
        stores = tmp.resolve("stores");
        for (String part : List.of("train", "dev", "eval")) {
            Capture.run("embed", "--model", TINY.toString(), "--layers", "1,3", "--dataset", SharedCorpus.get().toString(),
                    "--partition", part, "--out", stores.resolve(part).toString(), "--no-progress").expect(0);
        }
    }

    @Test
    void storesThePooledHiddenStatesOfEveryRequestedLayer() throws IOException {
        EmbeddingStore train = EmbeddingStore.open(stores.resolve("train"));
        StoreInfo info = train.info();
        assertArrayEquals(new int[] {1, 3}, info.layers());
        assertEquals(48, info.dim());
        assertEquals("encoder", info.frontend());
        try (Checkpoint ck = Checkpoint.open(TINY, ModelFamily.CONFIGS)) {
            assertEquals(ck.sha256(), info.modelSha256());
        }
        Utterance u = Datasets.read(SharedCorpus.get(), "train").get(5);
        assertEquals(u.id(), train.entries().get(5).id());
        float[][][] hs = SpeechEncoder.load(TINY).hiddenStates(AudioReader.readMono16k(u.audio()), 3);
        float[][] l1 = train.layer(1), l3 = train.layer(3);
        for (int[] pair : new int[][] {{1, 0}, {3, 1}}) {
            float[] stored = (pair[0] == 1 ? l1 : l3)[5];
            float[][] frames = hs[pair[0]];
            for (int c = 0; c < 48; c++) {
                double mean = 0;
                for (float[] f : frames) {
                    mean += f[c];
                }
                assertEquals(mean / frames.length, stored[c], POOLING_TOLERANCE, "layer " + pair[0] + " dim " + c);
            }
        }
    }

    @Test
    void sweepTrainScoreDetect() throws IOException {
        Capture sweep = Capture.run("sweep", "--train", stores.resolve("train").toString(), "--dev",
                stores.resolve("dev").toString(), "--eval", stores.resolve("eval").toString(), "--classifiers", "lr",
                "--out-prefix", tmp.resolve("sweep").toString()).expect(0);
        List<String> csv = Files.readAllLines(tmp.resolve("sweep.csv"));
        assertEquals(3, csv.size(), sweep.out());
        assertTrue(csv.get(1).startsWith("1,lr,") && csv.get(2).startsWith("3,lr,"), String.join("\n", csv));

        Path model = tmp.resolve("l3.json");
        Capture.run("train", "--train", stores.resolve("train").toString(), "--dev", stores.resolve("dev").toString(),
                "--layer", "3", "--out", model.toString()).expect(0);
        Capture.run("score", "--classifier", model.toString(), "--store", stores.resolve("eval").toString(), "--out",
                tmp.resolve("scores.txt").toString()).expect(0);
        assertEquals(EmbeddingStore.open(stores.resolve("eval")).entries().size(),
                Files.readAllLines(tmp.resolve("scores.txt")).size());

        Utterance u = Datasets.read(SharedCorpus.get(), "eval").get(0);
        Capture d = Capture.run("detect", "--model", TINY.toString(), "--classifier", model.toString(),
                u.audio().toString()).expect(0);
        Detector.Verdict v = Detector.load(model, TINY).score(u.audio());
        assertTrue(v.calibrated(), "trained with --dev: calibrated on dev");
        Calibration cal = ClassifierFile.read(model).calibration();
        assertEquals("dev", cal.fittedOn());
        assertEquals(Datasets.read(SharedCorpus.get(), "dev").stream().filter(x -> x.label() == Label.SPOOF).count(),
                cal.spoofCount(), "every dev spoof score is kept");
        assertEquals(String.format(Locale.ROOT, "%s %.6f P=%.3f %s", u.audio(), v.score(), v.probability(),
                v.bonafide() ? "bonafide" : "spoof"), d.out().trim());

        Capture wrong = Capture.run("detect", "--model", OTHER.toString(), "--classifier", model.toString(),
                u.audio().toString()).expect(1);
        assertTrue(wrong.err().contains("weights sha256"), wrong.err());
        Capture lfcc = Capture.run("detect", "--classifier", model.toString(), u.audio().toString()).expect(1);
        assertTrue(lfcc.err().contains("was trained on wav2vec2"), lfcc.err());
    }

    @Test
    void layersBeyondTheModelAreRefused() {
        Capture c = Capture.run("embed", "--model", TINY.toString(), "--layers", "0-9", "--dataset",
                SharedCorpus.get().toString(), "--partition", "dev", "--out", tmp.resolve("x").toString()).expect(1);
        assertTrue(c.err().contains("has layers 0-3"), c.err());
    }
}
