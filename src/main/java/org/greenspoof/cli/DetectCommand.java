package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.greenspoof.detect.Detector;
import org.greenspoof.report.FileProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scores new audio files. */
@Command(name = "detect", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Score audio files (FLAC or WAV, any rate; a folder means its .flac and .wav files, "
                + "recursively) with a trained classifier: one line per file, 'PATH SCORE bonafide|spoof' at the "
                + "classifier's stored threshold, followed by a warning when the input is far outside the training "
                + "data; or a JSON array with --json. A file that cannot be read is reported on stderr and the exit "
                + "code is 3; the others are still scored."})
final class DetectCommand implements Callable<Integer> {

    @Option(names = "--encoder", paramLabel = "DIR",
            description = "Encoder checkpoint folder the classifier was trained on (omit for an LFCC classifier).")
    Path model;

    /** The old spelling of --encoder, kept working for existing scripts. */
    @Option(names = "--model", hidden = true, paramLabel = "DIR")
    void oldModelOption(Path dir) {
        model = dir;
    }

    @Option(names = "--classifier", required = true, paramLabel = "CLASSIFIER.json", description = "Classifier file from train.")
    Path classifier;

    @Option(names = "--json", description = "Print a JSON array: {path, score, probability, label, threshold, warning} "
            + "per scored file and {path, error} per file that could not be read.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Audio files, or folders of them.")
    List<Path> files;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws IOException {
        List<Path> inputs = expand(files);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        int failed = 0;
        try (Detector d = Detector.load(classifier, model)) {
            for (Path f : inputs) {
                Detector.Verdict v;
                try {
                    v = d.score(f, audioLimits.limits());
                } catch (IOException | IllegalArgumentException e) {
                    String error = FileProblem.describe(f, e);
                    System.err.println("greenspoof detect: " + f + ": " + error);
                    arr.addObject().put("path", f.toString()).put("error", error);
                    failed++;
                    continue;
                }
                String label = v.bonafide() ? "bonafide" : "spoof";
                if (json) {
                    ObjectNode o = arr.addObject();
                    o.put("path", f.toString());
                    o.put("score", v.score());
                    o.put("probability", v.probability());
                    o.put("label", label);
                    o.put("threshold", v.threshold());
                    o.put("warning", v.warning());
                } else {
                    // The path, not the file name: a/x.wav and b/x.flac must not look like one input.
                    System.out.printf(Locale.ROOT, "%s %.6f %s%s%n", f, v.score(), label,
                            v.warning() == null ? "" : "  warning: " + v.warning());
                }
            }
        }
        if (json) {
            Json.print(arr);
        }
        return failed == 0 ? ExitCode.OK : ExitCode.SKIPPED;
    }

    /** Files as given; a folder becomes its .flac and .wav files below it, in name order. */
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
                    return n.endsWith(".flac") || n.endsWith(".wav");
                }).sorted().forEach(out::add);
            }
        }
        return out;
    }
}
