package org.greenspoof.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Label;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.demo.SyntheticCorpus;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.report.RunMeter;
import org.greenspoof.store.EmbeddingStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The whole pipeline in one command, on a corpus it writes itself or on a given ASVspoof folder. */
@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Run the whole pipeline: embed train/dev/eval, sweep the layers (when there are several), "
                + "train a classifier, score eval, evaluate it (EER, per-attack EER, DET plot) and detect a few files. "
                + "Each step prints the greenspoof command it runs.",
                "Without --dataset it first writes a small SYNTHETIC corpus (toy source-filter signals in ASVspoof 2019 "
                        + "LA layout) and uses the LFCC front-end: a demonstration of the machinery, not a detector. "
                        + "With --dataset (an ASVspoof 2019 LA folder) and optionally --encoder it runs on real data."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "DIR", description = "ASVspoof 2019 LA folder (default: write a synthetic corpus).")
    Path dataset;

    @Option(names = "--encoder", paramLabel = "DIR", description = "Encoder checkpoint folder (default: the LFCC front-end).")
    Path model;

    @Mixin
    OldModelOption oldSpelling;

    @Option(names = "--layers", paramLabel = "LIST", description = "Encoder layers to embed (default: all).")
    String layers;

    @Mixin
    KindOption classifier;

    @Option(names = "--work", paramLabel = "DIR", description = "Working folder (default: a new temporary folder).")
    Path work;

    @Option(names = "--seed", defaultValue = "2019", paramLabel = "N", description = "Seed of the synthetic corpus.")
    long seed;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        RunMeter meter = new RunMeter(report.energy());
        // Everything the steps would refuse is checked before the banner and before a folder is made.
        if (dataset != null) {
            for (String part : List.of("train", "dev", "eval")) {
                Datasets.read(dataset, part);
            }
        }
        if (model != null && !Files.isDirectory(model)) {
            throw new IllegalArgumentException("--encoder " + model + ": no such checkpoint folder");
        }
        if (work != null) {
            Outputs.checkFolderToCreate("--work", work);
        }
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("greenspoof-demo");
        try {
            return run(meter, dir);
        } catch (Exception e) {
            System.err.println("greenspoof demo: stopped; the work folder " + dir + " keeps what was done");
            throw e;
        }
    }

    private int run(RunMeter meter, Path dir) throws Exception {
        Path data = dataset;
        if (data == null) {
            banner("DEMONSTRATION ON SYNTHETIC DATA",
                    "The corpus below is written by greenspoof itself: toy source-filter signals (jittered pulse",
                    "trains through gliding formants = 'bona fide'; three vocoder-like artefacts = 'spoof').",
                    "It shows the pipeline working end to end. The numbers say nothing about real deepfakes",
                    "and the trained model is NOT a detector. For real data: --dataset DIR [--encoder DIR].");
            data = dir.resolve("corpus");
            long t0 = System.nanoTime();
            int n = SyntheticCorpus.write(data, seed);
            System.out.printf(Locale.ROOT, "wrote %d synthetic FLAC files in ASVspoof 2019 LA layout to %s (%.1f s)%n",
                    n, data, (System.nanoTime() - t0) / 1e9);
        } else {
            banner("DEMO ON " + data, "front-end: " + (model == null ? "LFCC (ASVspoof baseline)" : "encoder " + model));
        }
        List<String> fe = new ArrayList<>();
        if (model != null) {
            fe.addAll(List.of("--encoder", model.toString()));
            if (layers != null) {
                fe.addAll(List.of("--layers", layers));
            }
        } else {
            fe.addAll(List.of("--frontend", "lfcc"));
        }
        List<String> asvArgs = asvArgs(data);
        Path stores = dir.resolve("stores");
        for (String part : List.of("train", "dev", "eval")) {
            List<String> args = new ArrayList<>(List.of("embed", "--dataset", data.toString(), "--partition", part,
                    "--out", stores.resolve(part).toString()));
            args.addAll(report.asArgs());
            args.addAll(fe);
            step(args);
        }
        String layer = bestLayer(stores, dir, asvArgs);
        Path modelFile = dir.resolve("model.json");
        List<String> train = new ArrayList<>(List.of("train", "--train", stores.resolve("train").toString(), "--dev",
                stores.resolve("dev").toString(), "--kind", classifier.kind.cliName(), "--out", modelFile.toString()));
        if (layer != null) {
            train.addAll(List.of("--layer", layer));
        }
        train.addAll(report.asArgs());
        step(train);
        Path scores = dir.resolve("eval-scores.txt");
        step(List.of("score", "--classifier", modelFile.toString(), "--store", stores.resolve("eval").toString(),
                "--out", scores.toString()));
        List<String> eval = new ArrayList<>(List.of("eval", "--scores", scores.toString(), "--det",
                dir.resolve("det.svg").toString()));
        eval.addAll(asvArgs);
        step(eval);
        List<String> detect = new ArrayList<>(List.of("detect", "--classifier", modelFile.toString()));
        if (model != null) {
            detect.addAll(List.of("--encoder", model.toString()));
        }
        for (Utterance u : examples(Datasets.read(data, "eval"))) {
            System.out.println("  (" + u.id() + " is " + u.label().token() + (u.label() == Label.SPOOF ? " " + u.attack() : "")
                    + ")");
            detect.add(u.audio().toString());
        }
        step(detect);
        banner(dataset == null ? "DONE: synthetic demonstration (not a detector)" : "DONE",
                "work folder: " + dir, "DET curve: " + dir.resolve("det.svg"));
        System.out.println(meter.finish(0, 0, 0).format().replace("run report", "demo total"));
        return 0;
    }

    /** {@code --asv-scores FILE} when the corpus has readable ASV eval scores, for min t-DCF; says which. */
    private static List<String> asvArgs(Path data) {
        Path asv = Datasets.asvScores(data, "eval");
        if (asv == null) {
            System.out.println("min t-DCF: not computed (the corpus has no "
                    + "ASVspoof2019_LA_asv_scores/ASVspoof2019.LA.asv.eval.gi.trl.scores.txt)");
            return List.of();
        }
        try {
            ScoreFiles.readAsvScores(asv);
        } catch (IOException e) {
            System.out.println("min t-DCF: not computed, the corpus's ASV scores are unreadable: " + e.getMessage());
            return List.of();
        }
        System.out.println("min t-DCF: from the ASV scores " + asv);
        return List.of("--asv-scores", asv.toString());
    }

    /** With several stored layers, sweeps them with logistic regression and returns the best dev layer. */
    private String bestLayer(Path stores, Path dir, List<String> asvArgs) throws IOException {
        int[] stored = EmbeddingStore.open(stores.resolve("train")).info().layers();
        if (stored.length == 1) {
            return null;
        }
        Path prefix = dir.resolve("sweep");
        List<String> sweep = new ArrayList<>(List.of("sweep", "--train", stores.resolve("train").toString(), "--dev",
                stores.resolve("dev").toString(), "--eval", stores.resolve("eval").toString(), "--kinds", "lr",
                "--out", prefix.toString()));
        sweep.addAll(asvArgs);
        sweep.addAll(report.asArgs());
        step(sweep);
        List<String> csv = Files.readAllLines(Path.of(prefix + ".csv"));
        String best = null;
        double bestEer = Double.MAX_VALUE;
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            double eer = Double.parseDouble(f[f.length - 4]);
            if (eer < bestEer) {
                bestEer = eer;
                best = f[0];
            }
        }
        return best;
    }

    private static List<Utterance> examples(List<Utterance> eval) {
        List<Utterance> out = new ArrayList<>();
        eval.stream().filter(u -> u.label() == Label.BONAFIDE).limit(2).forEach(out::add);
        eval.stream().filter(u -> u.label() == Label.SPOOF).limit(2).forEach(out::add);
        return out;
    }

    private static void banner(String title, String... lines) {
        String rule = "=".repeat(78);
        System.out.println(rule);
        System.out.println("  " + title);
        for (String l : lines) {
            System.out.println("  " + l);
        }
        System.out.println(rule);
    }

    private static void step(List<String> args) {
        System.out.println();
        System.out.println("$ greenspoof " + String.join(" ", args));
        System.out.flush();
        int code = GreenspoofCli.run(args.toArray(new String[0]));
        // Skipped files are listed by the step itself; the rest of the corpus still makes a demo.
        if (code != ExitCode.OK && code != ExitCode.SKIPPED) {
            throw new IllegalStateException("step failed (exit " + code + "): greenspoof " + String.join(" ", args));
        }
    }
}
