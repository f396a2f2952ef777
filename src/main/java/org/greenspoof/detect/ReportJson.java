package org.greenspoof.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.greenspoof.detect.Detector.Report;
import org.greenspoof.detect.Detector.Segment;

/**
 * One recording's result as one line of JSON, the same for {@code detect --json} and the service's
 * {@code POST /v1/detect}: {path, score, probability, calibrated, label, threshold, warning, seconds,
 * segments, max_spoof_probability, spoofed_share, spoofed_spans}, or {path, error} for input that
 * could not be read. {@code calibrated} false: the classifier file predates calibration and the
 * probabilities are the classifier's own sigmoid of the score.
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    /** "bonafide" or "spoof", the label every output uses. */
    public static String label(boolean bonafide) {
        return bonafide ? "bonafide" : "spoof";
    }

    /** The result of {@code path}; with {@code plot}, also its timeline picture as SVG text under "plot". */
    public static String of(String path, Report r, boolean plot) {
        Detector.Verdict v = r.verdict();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("path", path);
        o.put("score", v.score());
        o.put("probability", v.probability());
        o.put("calibrated", v.calibrated());
        o.put("label", label(v.bonafide()));
        o.put("threshold", v.threshold());
        o.put("warning", v.warning());
        o.put("seconds", r.seconds());
        ArrayNode segs = o.putArray("segments");
        for (Segment s : r.segments()) {
            segs.addObject().put("start", s.start()).put("end", s.end()).put("score", s.score())
                    .put("probability", s.probability()).put("label", label(s.bonafide()));
        }
        o.put("max_spoof_probability", r.maxSpoofProbability());
        o.put("spoofed_share", r.spoofedShare());
        ArrayNode spans = o.putArray("spoofed_spans");
        r.spoofedSpans().forEach(s -> spans.addArray().add(s.start()).add(s.end()));
        if (plot) {
            o.put("plot", TimelinePlot.svg(r, path));
        }
        return write(o);
    }

    /** {path, error}: {@code path} could not be scored. */
    public static String error(String path, String error) {
        return write(MAPPER.createObjectNode().put("path", path).put("error", error));
    }

    private static String write(ObjectNode o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain values always serialises
        }
    }
}
