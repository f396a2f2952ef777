package org.greenspoof.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.greenspoof.report.RunReport;
import org.greenspoof.store.EmbeddingStore;

/** What the commands' {@code --json} output shares: one pretty-printed document on stdout, snake_case keys. */
final class Json {
    private Json() {
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Where a command's text goes: stdout, or nowhere when it prints JSON instead. */
    static PrintStream text(boolean json) {
        return json ? new PrintStream(OutputStream.nullOutputStream()) : System.out;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void print(JsonNode node) {
        try {
            System.out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain values always serialises
        }
    }

    /** The run report's figures, under the names of its text lines. */
    static ObjectNode report(RunReport r) {
        ObjectNode o = object();
        o.put("wall_seconds", r.wallSeconds());
        o.put("cpu_seconds", r.cpuSeconds());
        o.put("utterances", r.utterances());
        o.put("failed", r.failures());
        o.put("audio_seconds", r.audioSeconds());
        putFinite(o, "utterances_per_second", r.utterancesPerSecond());
        putFinite(o, "rtf", r.rtf());
        o.put("peak_rss_bytes", r.peakRssBytes());
        o.put("kwh", r.kwh());
        o.put("grams_co2", r.gramsCo2());
        o.put("grams_co2_per_kwh", r.gramsCo2PerKwh());
        o.put("energy_source", r.energySource());
        return o;
    }

    /** {@code [{id, path, error}]} of a store's failed utterances. */
    static ArrayNode failures(List<EmbeddingStore.Failure> failures) {
        ArrayNode a = MAPPER.createArrayNode();
        for (EmbeddingStore.Failure f : failures) {
            a.addObject().put("id", f.id()).put("path", f.path()).put("error", f.error());
        }
        return a;
    }

    /** A figure that may be undefined (no audio, no time): null rather than NaN, which JSON lacks. */
    static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
