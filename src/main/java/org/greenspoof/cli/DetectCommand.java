package org.greenspoof.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.detect.Detector;
import org.greenspoof.detect.Detector.Report;
import org.greenspoof.detect.Detector.Segment;
import org.greenspoof.detect.Detector.Windowing;
import org.greenspoof.detect.ReportJson;
import org.greenspoof.detect.TimelinePlot;
import org.greenspoof.report.FileProblem;
import org.greenspoof.store.EmbedJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scores new audio files, whole or in windows. */
@Command(name = "detect", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Score audio files (FLAC, WAV, MP3 or Ogg Vorbis, any rate; a folder means its .flac, .wav, .mp3 and .ogg files, "
                + "recursively; "
                + "@list.txt reads more arguments from a file, one per line) with a trained classifier. Scores are the "
                + "classifier's: HIGHER MEANS MORE BONA FIDE (bona fide when score > threshold). Each result also gives "
                + "P(bona fide), calibrated on the dev scores at train time (classifier files from before that are "
                + "reported 'uncalibrated' and give the classifier's own sigmoid), and the label at --threshold: by default "
                + "the equal error rate threshold on the dev partition the classifier was trained with. Recordings longer than "
                + "--whole-up-to seconds are scored in windows (--window, --hop): each window gets a line, and the file's "
                + "verdict is its most spoof-like window's. Text: 'PATH SCORE P(bona fide) bonafide|spoof' per file; --json: one JSON "
                + "object per line; --csv: one row per file and per window. A file that cannot be read is reported on "
                + "stderr and the exit code is 3 (--on-error skip, the others are still scored) or 1 (fail)."})
final class DetectCommand implements Callable<Integer> {

    @Mixin
    ClassifierOptions loaded;

    @Option(names = "--threshold", defaultValue = "eer", paramLabel = "eer|far=X|SCORE",
            description = "Operating point: eer = the dev equal error rate threshold stored at train time; far=X = the "
                    + "threshold at which a share X of the dev spoof recordings is accepted as bona fide (e.g. far=0.01); "
                    + "a number = that raw score (bona fide above it). Without --dev at train time, 'dev' is the training set.")
    String threshold;

    @Option(names = "--json", description = "One JSON object per line: {path, score, probability, calibrated, label, threshold, "
            + "warning, seconds, segments, max_spoof_probability, spoofed_share, spoofed_spans} per scored file, "
            + "{path, error} per file that could not be read.")
    boolean json;

    @Option(names = "--csv", description = "CSV rows path,segment,start,end,score,probability,calibrated,label,warning,error: "
            + "segment 'file' for a file's verdict, then 0, 1, ... for its windows.")
    boolean csv;

    @Option(names = "--window", defaultValue = "4", paramLabel = "SECONDS", description = "Window length for long recordings.")
    double window;

    @Option(names = "--hop", paramLabel = "SECONDS", description = "Step between windows (default: half the window).")
    Double hop;

    @Option(names = "--whole-up-to", defaultValue = "20", paramLabel = "SECONDS",
            description = "Recordings up to this length are scored whole; 'inf' scores every recording whole.")
    double wholeUpTo;

    @Option(names = "--plot", paramLabel = "OUT.svg|png",
            description = "Draw one input's timeline (waveform, window scores, threshold, spoofed stretches).")
    Path plot;

    @Mixin
    OnErrorOption onError;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR|@LIST", description = "Audio files, folders of them, or @files listing them.")
    List<Path> files;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws IOException {
        if (json && csv) {
            throw new IllegalArgumentException("--json and --csv exclude each other");
        }
        EmbedJob.OnError mode = onError.mode;
        Windowing windowing = new Windowing(window, hop == null ? window / 2 : hop, wholeUpTo);
        List<Path> inputs = expand(files);
        if (plot != null && inputs.size() != 1) {
            throw new IllegalArgumentException("--plot draws one recording; " + inputs.size() + " inputs given");
        }
        if (plot != null) {
            Outputs.checkFile("--plot", plot);
        }
        PrintStream out = System.out;
        if (csv) {
            out.println("path,segment,start,end,score,probability,calibrated,label,warning,error");
        }
        int bonafide = 0, spoof = 0;
        List<String> failed = new ArrayList<>();
        try (Detector d = Detector.load(loaded.classifier.file, loaded.encoder, threshold)) {
            for (Path f : inputs) {
                Report r;
                try {
                    r = d.detect(f, audioLimits.limits(), windowing);
                } catch (IOException | IllegalArgumentException e) {
                    String error = FileProblem.describe(f, e);
                    System.err.println("greenspoof detect: " + f + ": " + error);
                    failed.add(f.toString());
                    if (json) {
                        out.println(ReportJson.error(f.toString(), error));
                    } else if (csv) {
                        out.println(csvRow(f.toString(), "file", "", "", "", "", "", "", "", error));
                    }
                    if (mode == EmbedJob.OnError.FAIL) {
                        return ExitCode.ERROR;
                    }
                    continue;
                }
                if (r.verdict().bonafide()) {
                    bonafide++;
                } else {
                    spoof++;
                }
                if (plot != null) {
                    TimelinePlot.write(plot, r, f.getFileName().toString());
                }
                if (json) {
                    out.println(ReportJson.of(f.toString(), r, false));
                } else if (csv) {
                    printCsv(out, f, r);
                } else {
                    printText(out, f, r);
                }
            }
        }
        System.err.println("greenspoof detect: " + inputs.size() + " files: " + bonafide + " bonafide, " + spoof + " spoof, "
                + failed.size() + " unreadable" + (failed.isEmpty() ? "" : " (" + String.join(", ", failed) + ")"));
        return failed.isEmpty() ? ExitCode.OK : ExitCode.SKIPPED;
    }

    private static void printText(PrintStream out, Path f, Report r) {
        Detector.Verdict v = r.verdict();
        // The path, not the file name: a/x.wav and b/x.flac must not look like one input.
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s %.6f %s %s", f, v.score(),
                probabilityText(v.probability(), v.calibrated()), ReportJson.label(v.bonafide())));
        if (r.windowed()) {
            b.append(String.format(Locale.ROOT, "  %d windows over %.1f s, max P(spoof) %.3f, spoofed %.0f %%%s", r.segments().size(),
                    r.seconds(), r.maxSpoofProbability(), 100 * r.spoofedShare(), r.spoofedSpans().isEmpty() ? ""
                            : ": " + r.spoofedSpans().stream().map(s -> String.format(Locale.ROOT, "%.2f-%.2f s", s.start(), s.end()))
                            .collect(Collectors.joining(", "))));
        }
        if (v.warning() != null) {
            b.append("  warning: ").append(v.warning());
        }
        out.println(b);
        if (r.windowed()) {
            for (Segment s : r.segments()) {
                out.printf(Locale.ROOT, "  %8.2f %8.2f %.6f %s %s%n", s.start(), s.end(), s.score(),
                        probabilityText(s.probability(), v.calibrated()), ReportJson.label(s.bonafide()));
            }
        }
    }

    /** "P=0.930", or "P=uncalibrated" for classifier files without a calibration. */
    private static String probabilityText(double p, boolean calibrated) {
        return calibrated ? String.format(Locale.ROOT, "P=%.3f", p) : "P=uncalibrated";
    }

    private static void printCsv(PrintStream out, Path f, Report r) {
        Detector.Verdict v = r.verdict();
        out.println(csvRow(f.toString(), "file", num(0), num(r.seconds()), num(v.score()), num(v.probability()),
                Boolean.toString(v.calibrated()), ReportJson.label(v.bonafide()), v.warning() == null ? "" : v.warning(), ""));
        if (r.windowed()) {
            for (int i = 0; i < r.segments().size(); i++) {
                Segment s = r.segments().get(i);
                out.println(csvRow(f.toString(), Integer.toString(i), num(s.start()), num(s.end()), num(s.score()),
                        num(s.probability()), Boolean.toString(v.calibrated()), ReportJson.label(s.bonafide()), "", ""));
            }
        }
    }

    /**
     * RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled. (commons-csv
     * would bring commons-io and commons-codec into the shaded jar for these few lines.)
     */
    static String csvRow(String... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i];
            if (i > 0) {
                b.append(',');
            }
            boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
            b.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
        }
        return b.toString();
    }

    private static String num(double x) {
        return Double.toString(x);
    }

    /** Files as given; a folder becomes its audio files below it (by {@link AudioReader#EXTENSIONS}), in name order. */
    static List<Path> expand(List<Path> given) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (!Files.isDirectory(p)) {
                out.add(p);
                continue;
            }
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(Files::isRegularFile).filter(f -> {
                    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                    return AudioReader.EXTENSIONS.stream().anyMatch(n::endsWith);
                }).sorted().forEach(out::add);
            }
        }
        return out;
    }
}
