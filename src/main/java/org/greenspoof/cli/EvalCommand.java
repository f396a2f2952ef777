package org.greenspoof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.greenspoof.metrics.DetPlot;
import org.greenspoof.metrics.Evaluation;
import org.greenspoof.metrics.ScoreFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code greenspoof eval}: ASVspoof metrics of a CM score file. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Compute the EER, min t-DCF (with ASV scores) and EER per attack of a countermeasure score file,"
                + " as the official ASVspoof evaluation scripts compute them. Higher scores mean more bona fide."})
final class EvalCommand implements Callable<Integer> {

    /** Significant digits of the EER threshold in the text (--json keeps every digit): enough to place a score. */
    private static final MathContext THRESHOLD_DIGITS = new MathContext(6);

    @Spec
    CommandSpec spec;

    @Option(names = "--scores", required = true, paramLabel = "FILE",
            description = "CM scores: 'UTT_ID ATTACK_OR_DASH KEY SCORE' (ASVspoof 2019) or 'UTT_ID SCORE' (keys from --protocol).")
    Path scores;

    @Option(names = "--protocol", paramLabel = "FILE",
            description = "CM protocol ('SPEAKER UTT_ID - ATTACK KEY', or a 2021 trial_metadata.txt). Required for two-column"
                    + " scores; with four-column scores, ids and keys are checked against it.")
    Path protocol;

    @Option(names = "--asv-scores", paramLabel = "FILE",
            description = "ASV scores 'SOURCE KEY SCORE' (key target, nontarget or spoof), as the ASVspoof 2019 LA_asv_scores"
                    + " files; enables min t-DCF at the ASV EER threshold.")
    Path asvScores;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--det", paramLabel = "OUT",
            description = "Also draw the DET curve (normal-deviate axes) to this .svg or .png file.")
    Path det;

    @Override
    public Integer call() throws IOException {
        if (det != null) {
            Outputs.checkFile("--det", det);
        }
        Map<String, ScoreFiles.Key> keys = protocol == null ? null : ScoreFiles.readProtocol(protocol);
        List<ScoreFiles.Trial> trials = ScoreFiles.readScores(scores, keys, protocol);
        ScoreFiles.AsvScores asv = asvScores == null ? null : ScoreFiles.readAsvScores(asvScores);
        Evaluation ev;
        try {
            ev = Evaluation.of(trials, asv);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(scores + ": " + e.getMessage(), e);
        }
        if (det != null) {
            DetPlot.write(det, ev.det(), ev.eer(), "DET: " + scores.getFileName());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("eer_percent", ev.eer().percent());
            o.put("eer_threshold", ev.eer().threshold());
            o.put("min_tdcf", ev.minTdcf());
            o.put("min_tdcf_2021", ev.minTdcf2021());
            o.put("bonafide_trials", ev.bonafideTrials());
            o.put("spoof_trials", ev.spoofTrials());
            o.set("per_attack", m.valueToTree(ev.perAttack()));
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "trials         %d bona fide, %d spoof%n", ev.bonafideTrials(), ev.spoofTrials());
            out.printf(Locale.ROOT, "EER            %.4f %%  (threshold %s)%n", ev.eer().percent(),
                    new BigDecimal(ev.eer().threshold()).round(THRESHOLD_DIGITS).stripTrailingZeros().toPlainString());
            if (ev.minTdcf() != null) {
                out.printf(Locale.ROOT, "min t-DCF      %.6f  (ASVspoof 2019 legacy; 2021 definition %.6f)%n",
                        ev.minTdcf(), ev.minTdcf2021());
            } else {
                out.println("min t-DCF      n/a (give --asv-scores)");
            }
            out.println("EER per attack");
            for (Map.Entry<String, Double> e : ev.perAttack().entrySet()) {
                out.printf(Locale.ROOT, "  %-12s %8.4f %%%n", e.getKey(), e.getValue());
            }
            if (det != null) {
                out.println("DET curve      " + det);
            }
        }
        out.flush();
        return 0;
    }
}
