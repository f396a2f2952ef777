package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code greenspoof eval} on the score files tools/make_classifier_fixtures.py wrote, against the
 * figures its numpy re-implementation of the official ASVspoof scripts computed (eval/expected.json).
 */
class EvalCommandTest {

    /** The EER bound; the computation is the official one, so the figures agree exactly. */
    static final double EER_TOLERANCE = 1e-9;
    static final double TDCF_TOLERANCE = 1e-12;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dir;
    static JsonNode expected;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void fixtures() throws Exception {
        dir = Path.of(EvalCommandTest.class.getResource("/classify/eval/protocol.txt").toURI()).getParent();
        expected = JSON.readTree(dir.resolve("expected.json").toFile());
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new GreenspoofCli())
                .setExecutionExceptionHandler(new ErrorHandler());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("eval"));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static void assertMatchesExpected(JsonNode got, boolean withAsv) {
        assertEquals(expected.get("eer_percent").asDouble(), got.get("eer_percent").asDouble(), 100 * EER_TOLERANCE);
        assertEquals(expected.get("eer_threshold").asDouble(), got.get("eer_threshold").asDouble(), 0.0);
        if (withAsv) {
            assertEquals(expected.get("min_tdcf").asDouble(), got.get("min_tdcf").asDouble(), TDCF_TOLERANCE);
            assertEquals(expected.get("min_tdcf_2021").asDouble(), got.get("min_tdcf_2021").asDouble(), TDCF_TOLERANCE);
        } else {
            assertTrue(got.get("min_tdcf").isNull());
        }
        JsonNode per = expected.get("per_attack");
        assertEquals(per.size(), got.get("per_attack").size());
        for (var e : per.properties()) {
            assertEquals(e.getValue().asDouble(), got.get("per_attack").get(e.getKey()).asDouble(), 100 * EER_TOLERANCE, e.getKey());
        }
    }

    @Test
    void twoColumnScoresWithProtocolAndAsv() throws Exception {
        Path svg = tmp.resolve("det.svg");
        Run r = run("--scores", dir.resolve("scores2.txt").toString(), "--protocol", dir.resolve("protocol.txt").toString(),
                "--asv-scores", dir.resolve("asv.txt").toString(), "--json", "--det", svg.toString());
        assertEquals(0, r.code(), r.err());
        assertMatchesExpected(JSON.readTree(r.out()), true);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals(1, doc.getElementsByTagName("polyline").getLength());
        assertTrue(Files.readString(svg).contains("EER 20.00 %"));
    }

    @Test
    void fourColumnScoresAloneAndCheckedAgainstProtocol() throws Exception {
        Run alone = run("--scores", dir.resolve("scores4.txt").toString(), "--json");
        assertEquals(0, alone.code(), alone.err());
        assertMatchesExpected(JSON.readTree(alone.out()), false);

        Path png = tmp.resolve("det.png");
        Run text = run("--scores", dir.resolve("scores4.txt").toString(), "--protocol", dir.resolve("protocol.txt").toString(),
                "--asv-scores", dir.resolve("asv.txt").toString(), "--det", png.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("EER            20.0000 %"), text.out());
        assertTrue(text.out().contains("A07"), text.out());
        assertTrue(text.out().contains(String.format(java.util.Locale.ROOT, "%.6f", expected.get("min_tdcf").asDouble())));
        assertNotNull(ImageIO.read(png.toFile()), "a readable PNG");
    }

    /** ASV score lines with more leading columns ('SPEAKER UTT_ID - SOURCE KEY SCORE') give the same t-DCF. */
    @Test
    void asvScoresWithExtraLeadingColumnsReadTheSame() throws Exception {
        Path wide = variant("asvwide.txt", "asv.txt", l -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(l.get(i).isBlank() ? l.get(i) : "LA_9999 LA_E_" + (1000000 + i) + " - " + l.get(i).strip());
            }
            return out;
        });
        Run r = run("--scores", dir.resolve("scores4.txt").toString(), "--asv-scores", wide.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertMatchesExpected(JSON.readTree(r.out()), true);
    }

    /** Writes a variant of a fixture file: {@code edit} maps the lines. */
    static Path variant(String name, String from, java.util.function.UnaryOperator<List<String>> edit) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(from)));
        Path p = tmp.resolve(name);
        Files.write(p, edit.apply(lines));
        return p;
    }

    static void assertFails(Run r, String... fragments) {
        assertEquals(1, r.code(), r.out());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr '" + r.err().strip() + "' should contain '" + f + "'");
        }
    }

    @Test
    void badInputIsNamedWithFileAndLine() throws Exception {
        String protocol = dir.resolve("protocol.txt").toString();
        Path nan = variant("nan.txt", "scores2.txt", l -> {
            l.set(4, l.get(4).split(" ")[0] + " nan");
            return l;
        });
        assertFails(run("--scores", nan.toString(), "--protocol", protocol), "nan.txt:5:", "not a finite number");
        Path inf = variant("inf.txt", "scores4.txt", l -> {
            l.set(0, l.get(0).replaceAll(" \\S+$", " Infinity"));
            return l;
        });
        assertFails(run("--scores", inf.toString()), "inf.txt:1:", "not a finite number");

        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        assertFails(run("--scores", empty.toString(), "--protocol", protocol), "empty.txt", "no scores");

        Path dup = variant("dup.txt", "scores2.txt", l -> {
            l.add(l.get(2));
            return l;
        });
        assertFails(run("--scores", dup.toString(), "--protocol", protocol), "dup.txt:" + 211 + ":", "duplicate", "line 3");

        Path missingScore = variant("missing.txt", "scores2.txt", l -> {
            l.remove(0);
            return l;
        });
        assertFails(run("--scores", missingScore.toString(), "--protocol", protocol), "protocol.txt:", "has no score in");

        Path unknownId = variant("unknown.txt", "scores2.txt", l -> {
            l.set(7, "LA_E_9999999 0.5");
            return l;
        });
        assertFails(run("--scores", unknownId.toString(), "--protocol", protocol), "unknown.txt:8:", "not in the protocol");

        Path single = variant("single.txt", "scores4.txt", l -> {
            l.removeIf(s -> s.contains(" spoof "));
            return l;
        });
        assertFails(run("--scores", single.toString()), "single.txt", "only bona fide");

        Path ragged = variant("ragged.txt", "scores4.txt", l -> {
            l.set(9, "LA_E_0000001 0.3");
            return l;
        });
        assertFails(run("--scores", ragged.toString()), "ragged.txt:10:", "expected 4 columns");

        Path relabelled = variant("relabel.txt", "scores4.txt", l -> {
            int i = 0;
            while (!l.get(i).contains(" A07 ")) {
                i++;
            }
            l.set(i, l.get(i).replace(" A07 ", " A08 "));
            return l;
        });
        assertFails(run("--scores", relabelled.toString(), "--protocol", protocol), "relabel.txt:", "protocol.txt line");

        assertFails(run("--scores", dir.resolve("scores2.txt").toString()), "scores2.txt", "give --protocol");

        Path dupProtocol = variant("dupproto.txt", "protocol.txt", l -> {
            l.add(l.get(0));
            return l;
        });
        assertFails(run("--scores", dir.resolve("scores2.txt").toString(), "--protocol", dupProtocol.toString()),
                "dupproto.txt:211:", "duplicate");

        Path asvNoSpoof = variant("asv.txt", "asv.txt", l -> {
            l.removeIf(s -> s.contains(" spoof "));
            return l;
        });
        assertFails(run("--scores", dir.resolve("scores4.txt").toString(), "--asv-scores", asvNoSpoof.toString()),
                "asv.txt", "no spoof trials");
        Path asvBad = variant("asvbad.txt", "asv.txt", l -> {
            l.set(2, "LA_0001 target NaN");
            return l;
        });
        assertFails(run("--scores", dir.resolve("scores4.txt").toString(), "--asv-scores", asvBad.toString()),
                "asvbad.txt:3:", "not a finite number");

        Path asvShort = variant("asvshort.txt", "asv.txt", l -> {
            l.set(4, "LA_0001 target");
            return l;
        });
        assertFails(run("--scores", dir.resolve("scores4.txt").toString(), "--asv-scores", asvShort.toString()),
                "asvshort.txt:5:", "got 2 columns");

        Path nothing = tmp.resolve("does-not-exist.txt");
        assertFails(run("--scores", nothing.toString()), "does-not-exist.txt", "no such file");
    }
}
