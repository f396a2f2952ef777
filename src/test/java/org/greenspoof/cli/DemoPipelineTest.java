package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.classify.ClassifierKind;
import org.greenspoof.classify.ClassifierKinds;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.detect.Detector;
import org.greenspoof.metrics.Eer;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo runs the whole pipeline on its synthetic corpus; the other commands' behaviours are then
 * checked on what it left in its work folder.
 */
class DemoPipelineTest {

    @TempDir
    static Path tmp;
    static Path work;
    static Capture demo;

    @BeforeAll
    static void runDemo() {
        work = tmp.resolve("work");
        demo = Capture.run("demo", "--work", work.toString(), "--watts-per-core", "20").expect(0);
    }

    @Test
    void demoSaysWhatItRanOnAndRunsEveryStep() {
        String out = demo.out();
        assertTrue(out.contains("DEMONSTRATION ON SYNTHETIC DATA") && out.contains("NOT a detector"), out);
        for (String step : List.of("embed", "train", "score", "eval", "detect")) {
            assertTrue(out.contains("$ greenspoof " + step + " "), step);
        }
        assertTrue(out.contains("run report") && out.contains("g CO2"), out);
        // Energy options reach every step's report.
        assertTrue(out.contains("--frontend lfcc") && out.contains("--watts-per-core 20.0"), out);
        int reports = out.split("run report", -1).length - 1 + out.split("demo total", -1).length - 1;
        assertEquals(reports, out.split("20.0 W per core", -1).length - 1, out);
        assertTrue(Files.isRegularFile(work.resolve("det.svg")));
    }

    @Test
    void scoresAreTheModelsScoresOfTheEvalStoreInAsvspoofFormat() throws IOException {
        EmbeddingStore eval = EmbeddingStore.open(work.resolve("stores/eval"));
        ClassifierFile.Model model = ClassifierFile.read(work.resolve("model.json"));
        List<ScoreFiles.Trial> trials = ScoreFiles.readScores(work.resolve("eval-scores.txt"), null, null);
        float[][] x = eval.layer(0);
        assertEquals(x.length, trials.size());
        double[] bona = trials.stream().filter(ScoreFiles.Trial::bonafide).mapToDouble(ScoreFiles.Trial::score).toArray();
        double[] spoof = trials.stream().filter(t -> !t.bonafide()).mapToDouble(ScoreFiles.Trial::score).toArray();
        for (int i = 0; i < x.length; i++) {
            EmbeddingStore.Entry e = eval.entries().get(i);
            assertEquals(e.id(), trials.get(i).id());
            assertEquals(e.attack(), trials.get(i).attack());
            assertEquals(model.classifier().score(x[i]), trials.get(i).score(), 0.0);
        }
        // The toy attacks D02 and D03 are spectrally obvious, so far better than chance; D01 is not.
        double eer = Eer.of(bona, spoof).percent();
        assertTrue(eer < 35, "demo eval EER " + eer);
    }

    @Test
    void detectAndTheJavaApiAgreeWithTheThreshold() throws IOException {
        List<Utterance> eval = Datasets.read(work.resolve("corpus"), "eval");
        Path model = work.resolve("model.json");
        Capture c = Capture.run("detect", "--classifier", model.toString(), eval.get(0).audio().toString(),
                eval.get(1).audio().toString()).expect(0);
        Detector d = Detector.load(model, null);
        String[] lines = c.out().trim().split("\n");
        assertEquals(2, lines.length);
        for (int i = 0; i < 2; i++) {
            Detector.Verdict v = d.score(eval.get(i).audio());
            String[] f = lines[i].split(" ");
            assertEquals(eval.get(i).audio().toString(), f[0]);
            assertEquals(v.score(), Double.parseDouble(f[1]), 1e-6);
            assertEquals(String.format(Locale.ROOT, "P=%.3f", v.probability()), f[2], "the calibrated P(bona fide)");
            assertEquals(v.score() > d.threshold() ? "bonafide" : "spoof", f[3]);
        }
        Capture json = Capture.run("detect", "--json", "--classifier", model.toString(), eval.get(0).audio().toString())
                .expect(0);
        JsonNode line = DetectCommandTest.jsonLines(json).get(0);
        assertEquals(eval.get(0).audio().toString(), line.get("path").asText());
        assertTrue(line.has("threshold"), json.out());
        Path bad = tmp.resolve("bad.flac");
        Files.write(bad, new byte[] {'f', 'L', 'a', 'C', 0});
        Capture partly = Capture.run("detect", "--classifier", model.toString(), bad.toString(),
                eval.get(0).audio().toString()).expect(ExitCode.SKIPPED);
        assertTrue(partly.err().contains(bad.toString()), partly.err());
        assertTrue(partly.out().startsWith(eval.get(0).audio() + " "), "the good file is still scored: " + partly.out());
    }

    @Test
    void sweepWritesTheTableForEveryClassifier() throws IOException {
        Path stores = work.resolve("stores"), prefix = tmp.resolve("sweep"), asv = tmp.resolve("asv.txt");
        StringBuilder asvScores = new StringBuilder();
        Random r = new Random(3);
        for (int i = 0; i < 60; i++) {
            String[] keys = {"target", "nontarget", "spoof"};
            double[] means = {4, -4, 1.5};
            asvScores.append("LA_00").append(i % 10).append(' ').append(keys[i % 3]).append(' ')
                    .append(means[i % 3] + r.nextGaussian()).append('\n');
        }
        Files.writeString(asv, asvScores);
        Capture c = Capture.run("sweep", "--train", stores.resolve("train").toString(), "--dev",
                stores.resolve("dev").toString(), "--eval", stores.resolve("eval").toString(), "--asv-scores",
                asv.toString(), "--out-prefix", prefix.toString(), "--hidden", "8").expect(0);
        List<String> csv = Files.readAllLines(Path.of(prefix + ".csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("0,lr,") && csv.get(2).startsWith("0,mlp,"), String.join("\n", csv));
        // The lr row's dev EER is the one train reported for its chosen grid point.
        Matcher m = Pattern.compile("dev EER\\s+([0-9.]+) %.*<- chosen").matcher(demo.out());
        assertTrue(m.find(), demo.out());
        assertEquals(Double.parseDouble(m.group(1)), Double.parseDouble(csv.get(1).split(",")[4]), 5e-4);
        // The lr row is the model train chose, so its eval min t-DCF is what eval reports for train's scores.
        Capture eval = Capture.run("eval", "--scores", work.resolve("eval-scores.txt").toString(), "--asv-scores",
                asv.toString()).expect(0);
        Matcher t = Pattern.compile("min t-DCF\\s+([0-9.]+)").matcher(eval.out());
        assertTrue(t.find(), eval.out());
        assertEquals(Double.parseDouble(t.group(1)), Double.parseDouble(csv.get(1).split(",")[6]), 5e-7);
        String md = Files.readString(Path.of(prefix + ".md"));
        assertTrue(md.startsWith("| layer | classifier |") && md.contains("| 0 | mlp |"), md);
        assertTrue(c.out().contains("best on dev: layer 0"), c.out());
    }

    @Test
    void theGridIsTriedInAscendingOrderOnceEachAndAnEdgeWinnerIsNoted() {
        Capture c = Capture.run("train", "--train", work.resolve("stores/train").toString(), "--dev",
                work.resolve("stores/dev").toString(), "--c", "10,0.01,1,10", "--out", tmp.resolve("grid.json").toString(),
                "--no-progress").expect(0);
        List<String> rows = c.out().lines().filter(l -> l.trim().startsWith("lr C=")).toList();
        assertEquals(List.of("C=0.01", "C=1.0", "C=10.0"), rows.stream().map(l -> l.trim().split("\\s+")[1]).toList(),
                c.out());
        double[] eer = rows.stream().mapToDouble(l -> Double.parseDouble(l.replaceAll(".*dev EER\\s+([0-9.]+) %.*", "$1")))
                .toArray();
        int chosen = 0;
        while (!rows.get(chosen).contains("<- chosen")) {
            chosen++;
        }
        boolean atEdge = chosen == 0 && eer[0] < eer[1] || chosen == 2 && eer[2] < eer[1];
        assertEquals(atEdge, c.out().contains("note: the chosen lr point is at the end of the grid"), c.out());
    }

    /** Every kind in the registry is reachable from train, and its model file reads back to the same scores. */
    @Test
    void everyRegisteredKindTrainsFromTheCommandLine() throws IOException {
        EmbeddingStore dev = EmbeddingStore.open(work.resolve("stores/dev"));
        float[][] x = dev.layer(dev.info().layers()[0]);
        for (ClassifierKind<?> kind : ClassifierKinds.ALL) {
            Path model = tmp.resolve("kind-" + kind.cliName() + ".json");
            Capture c = Capture.run("train", "--train", work.resolve("stores/train").toString(), "--dev",
                    work.resolve("stores/dev").toString(), "--kind", kind.cliName(), "--out", model.toString(),
                    "--no-progress").expect(0);
            assertTrue(c.out().contains("wrote " + model + ": " + kind.fileName()), c.out());
            ClassifierFile.Model m = ClassifierFile.read(model);
            assertEquals(kind, m.classifier().kind());
            int rows = c.out().lines().filter(l -> l.trim().startsWith(kind.cliName() + " ")).toList().size();
            assertEquals(ClassifierKinds.grid(kind, Map.of(), 42).size(), rows, c.out());
            double[] again = m.classifier().scores(x);
            for (int i = 0; i < x.length; i++) {
                assertTrue(Double.isFinite(again[i]), kind + " row " + i);
            }
        }
        Capture bad = Capture.run("train", "--train", work.resolve("stores/train").toString(), "--kind", "forest",
                "--out", tmp.resolve("f.json").toString()).expect(2);
        assertTrue(bad.err().contains("unknown classifier kind 'forest'; expected one of " + ClassifierKinds.names()),
                bad.err());
        Capture axis = Capture.run("sweep", "--train", work.resolve("stores/train").toString(), "--dev",
                work.resolve("stores/dev").toString(), "--kinds", "lr,svm", "--grid", "hidden=4",
                "--out", tmp.resolve("axis").toString()).expect(1);
        assertTrue(axis.err().contains("grid axis 'hidden' belongs to none of the kinds lr, svm"), axis.err());
    }

    @Test
    void sweepRunsTheLinearSvm() throws IOException {
        Path prefix = tmp.resolve("svm-sweep");
        Capture.run("sweep", "--train", work.resolve("stores/train").toString(), "--dev",
                work.resolve("stores/dev").toString(), "--kinds", "lr,svm", "--c", "0.1,1", "--out", prefix.toString(),
                "--no-progress").expect(0);
        List<String> csv = Files.readAllLines(Path.of(prefix + ".csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("0,lr,") && csv.get(2).startsWith("0,svm,\"svm C="), String.join("\n", csv));
    }

    @Test
    void aStoreOfOtherEmbeddingsIsRefused() {
        Path other = tmp.resolve("dev-mean");
        Capture.run("embed", "--frontend", "lfcc", "--pool", "mean", "--dataset", work.resolve("corpus").toString(),
                "--partition", "dev", "--out", other.toString(), "--no-progress").expect(0);
        Capture c = Capture.run("score", "--classifier", work.resolve("model.json").toString(), "--store",
                other.toString(), "--out", tmp.resolve("s.txt").toString()).expect(1);
        assertTrue(c.err().contains("meanstd pooling but store " + other + " uses mean"), c.err());
        Capture t = Capture.run("train", "--train", work.resolve("stores/train").toString(), "--dev", other.toString(),
                "--out", tmp.resolve("m.json").toString()).expect(1);
        assertTrue(t.err().contains("pooling"), t.err());
        // Resuming a store with other settings is refused too, naming the difference.
        Capture r = Capture.run("embed", "--frontend", "lfcc", "--dataset", work.resolve("corpus").toString(),
                "--partition", "dev", "--out", other.toString(), "--no-progress").expect(1);
        assertTrue(r.err().contains("pooling is mean in the store but meanstd now"), r.err());
    }

    @Test
    void aCorruptFileIsListedAndCountedOrStopsTheRun() throws IOException {
        List<Utterance> dev = Datasets.read(work.resolve("corpus"), "dev");
        Path list = tmp.resolve("list.csv");
        Path broken = tmp.resolve("broken.flac");
        Files.write(broken, new byte[100]);
        StringBuilder csv = new StringBuilder("path,label,attack\n");
        for (Utterance u : dev.subList(0, 6)) {
            csv.append(u.audio()).append(',').append(u.label().token()).append(',').append(u.attack()).append('\n');
        }
        csv.append(broken).append(",spoof,X\n");
        Files.writeString(list, csv);
        Capture skip = Capture.run("embed", "--dataset", list.toString(), "--partition", "eval", "--out",
                tmp.resolve("skip").toString(), "--no-progress").expect(ExitCode.SKIPPED);
        assertTrue(skip.out().contains("failed broken " + broken), skip.out());
        assertTrue(skip.out().contains("6 processed, 1 failed"), skip.out());
        Capture fail = Capture.run("embed", "--dataset", list.toString(), "--partition", "eval", "--on-error", "fail",
                "--out", tmp.resolve("fail").toString(), "--no-progress").expect(1);
        assertTrue(fail.err().contains("utterance broken (" + broken + ")"), fail.err());
    }
}
