package org.greenspoof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.detect.Detector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scores new audio files. */
@Command(name = "detect", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Score audio files (FLAC or WAV, any rate) with a trained classifier: one line per file, "
                + "'ID SCORE bonafide|spoof' at the model's stored threshold, or a JSON array with --json. "
                + "A file that cannot be read is reported on stderr and the exit code is 1; the others are still scored."})
final class DetectCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Encoder checkpoint folder the classifier was trained on (omit for an LFCC classifier).")
    Path model;

    @Option(names = "--classifier", required = true, paramLabel = "MODEL.json", description = "Model file from train.")
    Path classifier;

    @Option(names = "--json", description = "Print a JSON array of {id, path, score, label, threshold}.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audio files.")
    List<Path> files;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws IOException {
        Detector d = model != null ? Detector.load(model, classifier) : Detector.loadLfcc(classifier);
        ObjectMapper m = new ObjectMapper();
        ArrayNode arr = m.createArrayNode();
        int failed = 0;
        for (Path f : files) {
            Detector.Verdict v;
            try {
                v = d.score(f, audioLimits.limits());
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("greenspoof detect: " + f + ": " + e.getMessage());
                failed++;
                continue;
            }
            String label = v.bonafide() ? "bonafide" : "spoof";
            if (json) {
                ObjectNode o = arr.addObject();
                o.put("id", v.id());
                o.put("path", f.toString());
                o.put("score", v.score());
                o.put("label", label);
                o.put("threshold", d.threshold());
            } else {
                System.out.printf(Locale.ROOT, "%s %.6f %s%n", v.id(), v.score(), label);
            }
        }
        if (json) {
            System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        }
        return failed == 0 ? 0 : 1;
    }
}
