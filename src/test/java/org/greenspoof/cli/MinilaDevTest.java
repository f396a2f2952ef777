package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.detect.Detector;
import org.greenspoof.metrics.Eer;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline ({@code demo --dataset}: embed train/dev/eval, sweep, train, score, eval, detect) on
 * the shared minila-dev corpus (real speech against TTS and vocoders, ASVspoof 2019 LA layout), with the
 * LFCC front-end and with a random-weight encoder. Skipped where {@code ../shared/data/minila-dev} is absent.
 */
class MinilaDevTest {

    /** A detect score is recomputed from the decoded file; the store holds the same embedding as float32. */
    static final double DETECT_VS_STORE_TOLERANCE = 1e-5;
    /**
     * Dev holds train's attacks (the ASVspoof 2019 LA design), so a linear model on LFCC statistics that
     * does not beat chance there has its labels or its score sign wrong.
     */
    static final double LFCC_DEV_EER_CEILING_PERCENT = 45;

    @TempDir
    static Path tmp;
    static Path corpus;

    /**
     * Before each test, not once before all: an assumption failing in {@code @BeforeAll} aborts the
     * class, and Maven then reports 0 tests instead of showing these as skipped.
     */
    @BeforeEach
    void locate() {
        String shared = System.getProperty("greenspoof.shared");
        corpus = shared == null ? null : Path.of(shared, "data", "minila-dev");
        Assumptions.assumeTrue(corpus != null && Files.isDirectory(corpus), corpus
                + " not present (mvn -Dgreenspoof.shared=DIR test points the tests at DIR/data/minila-dev)");
    }

    @Test
    void lfccFrontEnd() throws IOException {
        Path work = tmp.resolve("lfcc");
        Capture demo = Capture.run("demo", "--dataset", corpus.toString(), "--work", work.toString(), "--no-progress")
                .expect(0);
        checkRun(demo, work, 1);
        EmbeddingStore dev = EmbeddingStore.open(work.resolve("stores/dev"));
        ClassifierFile.Model model = ClassifierFile.read(work.resolve("model.json"));
        double eer = eerOf(model, dev, 0);
        assertTrue(eer < LFCC_DEV_EER_CEILING_PERCENT, "LFCC dev EER " + eer + " %\n" + demo.out());
        checkDetect(Detector.load(work.resolve("model.json"), null), work);
    }

    @Test
    void randomWeightEncoder() throws IOException {
        Path work = tmp.resolve("encoder");
        Path model = EncoderPipelineTest.TINY;
        Capture demo = Capture.run("demo", "--dataset", corpus.toString(), "--work", work.toString(), "--model",
                model.toString(), "--layers", "0-3", "--no-progress").expect(0);
        checkRun(demo, work, 4);
        List<String> sweep = Files.readAllLines(work.resolve("sweep.csv"));
        assertEquals(1 + 4, sweep.size(), "one lr row per layer:\n" + String.join("\n", sweep));
        checkDetect(Detector.load(work.resolve("model.json"), model), work);
    }

    /** Every protocol line is either embedded or listed as failed, and eval's scores are the model's. */
    private static void checkRun(Capture demo, Path work, int layers) throws IOException {
        for (String part : List.of("train", "dev", "eval")) {
            List<Utterance> protocol = Datasets.read(corpus, part);
            EmbeddingStore s = EmbeddingStore.open(work.resolve("stores").resolve(part));
            assertEquals(layers, s.info().layers().length);
            Set<String> seen = new HashSet<>();
            s.entries().forEach(e -> assertTrue(seen.add(e.id()), "twice in " + part + ": " + e.id()));
            s.failures().forEach(f -> assertTrue(seen.add(f.id()), "stored and failed in " + part + ": " + f.id()));
            Set<String> listed = new HashSet<>();
            protocol.forEach(u -> listed.add(u.id()));
            assertEquals(listed, seen, part);
            assertTrue(s.failures().size() * 10 <= protocol.size(), part + " failures: " + s.failures());
        }
        assertTrue(demo.out().contains("EER"), demo.out());
        Path asv = Datasets.asvScores(corpus, "eval");
        if (asv != null && readable(asv)) {
            assertTrue(demo.out().contains("min t-DCF: from the ASV scores " + asv), demo.out());
            assertTrue(demo.out().lines().anyMatch(l -> l.matches("min t-DCF\\s+[0-9.]+ .*")), demo.out());
        } else {
            assertTrue(demo.out().contains("min t-DCF: not computed"), demo.out());
        }
        EmbeddingStore eval = EmbeddingStore.open(work.resolve("stores/eval"));
        ClassifierFile.Model model = ClassifierFile.read(work.resolve("model.json"));
        Integer layer = model.provenance().layer();
        float[][] x = eval.layer(layer == null ? eval.info().layers()[0] : layer);
        List<ScoreFiles.Trial> trials = ScoreFiles.readScores(work.resolve("eval-scores.txt"), null, null);
        assertEquals(x.length, trials.size());
        for (int i = 0; i < x.length; i++) {
            EmbeddingStore.Entry e = eval.entries().get(i);
            assertEquals(e.id(), trials.get(i).id());
            assertEquals(e.labelValue() == Label.BONAFIDE, trials.get(i).bonafide(), e.id());
            assertEquals(model.classifier().score(x[i]), trials.get(i).score(), 0.0, e.id());
        }
        assertTrue(Files.size(work.resolve("det.svg")) > 0);
    }

    /** detect on one bona fide and one spoof eval file gives the score that score wrote for it. */
    private static void checkDetect(Detector d, Path work) throws IOException {
        List<ScoreFiles.Trial> trials = ScoreFiles.readScores(work.resolve("eval-scores.txt"), null, null);
        List<Utterance> protocol = Datasets.read(corpus, "eval");
        List<Integer> picks = new ArrayList<>();
        for (boolean bona : new boolean[] {true, false}) {
            for (int i = 0; i < trials.size(); i++) {
                if (trials.get(i).bonafide() == bona) {
                    picks.add(i);
                    break;
                }
            }
        }
        for (int i : picks) {
            String id = trials.get(i).id();
            Utterance u = protocol.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
            assertEquals(trials.get(i).score(), d.score(u.audio()).score(), DETECT_VS_STORE_TOLERANCE, id);
        }
    }

    private static boolean readable(Path asv) {
        try {
            ScoreFiles.readAsvScores(asv);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static double eerOf(ClassifierFile.Model model, EmbeddingStore store, int layer) throws IOException {
        float[][] x = store.layer(layer);
        List<Double> bona = new ArrayList<>(), spoof = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            (store.entries().get(i).labelValue() == Label.BONAFIDE ? bona : spoof).add(model.classifier().score(x[i]));
        }
        return Eer.of(bona.stream().mapToDouble(Double::doubleValue).toArray(),
                spoof.stream().mapToDouble(Double::doubleValue).toArray()).percent();
    }
}
