package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files: the committed format-1.0 fixtures (written by tools/make_classifier_fixtures.py
 * from sklearn / numpy) must keep loading and scoring as their reference implementations did, and
 * our writer must round-trip and keep the fixture's layout.
 */
class ClassifierFileTest {

    /** Scores are a d=5 dot product (and three tanh units) in double: rounding stays near 1e-15. */
    static final double SCORE_TOLERANCE = 1e-12;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ClassifierFileTest.class.getResource("/classify/" + name).toURI());
    }

    static float[][] inputs(JsonNode doc) {
        return LinearModelParityTest.matrix(doc.get("x"));
    }

    @Test
    void formatOneFixturesLoadAndScoreAsTheReferences() throws Exception {
        JsonNode doc = JSON.readTree(resource("model-v1-inputs.json").toFile());
        float[][] x = inputs(doc);
        for (String kind : new String[] {"lr", "mlp"}) {
            ClassifierFile.Model m = ClassifierFile.read(resource("model-v1-" + kind + ".json"));
            JsonNode expected = doc.get(kind + "_scores");
            for (int i = 0; i < x.length; i++) {
                assertEquals(expected.get(i).asDouble(), m.classifier().score(x[i]), SCORE_TOLERANCE, kind + " row " + i);
            }
            assertEquals(0.125, m.threshold());
            assertTrue(m.isBonafide(0.2));
            assertFalse(m.isBonafide(0.125));
            assertEquals("facebook/wav2vec2-base", m.provenance().encoder());
            assertEquals(5, m.provenance().layer());
            assertEquals(19, m.provenance().trainingData().attackCounts().get("A01"));
        }
        assertEquals(6, ClassifierFile.read(resource("model-v1-lr.json")).classifier().parameterCount());
        assertEquals(22, ClassifierFile.read(resource("model-v1-mlp.json")).classifier().parameterCount());
    }

    @Test
    void writerRoundTripsAndKeepsTheFixtureLayout() throws Exception {
        JsonNode doc = JSON.readTree(resource("model-v1-inputs.json").toFile());
        float[][] x = inputs(doc);
        int[] y = new int[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[i][0] - x[i][2] > 0 ? 1 : 0;
        }
        ClassifierFile.Provenance prov = new ClassifierFile.Provenance("lfcc", null, null, "meanstd",
                ClassifierFile.TrainingData.of("stores/x", y, null));
        Classifier[] models = {
                LogisticRegression.fit(x, y, LogisticRegression.Options.DEFAULT),
                LinearSvm.fit(x, y, LinearModel.Options.DEFAULT.withC(0.1)),
                RbfSvm.fit(x, y, RbfSvm.Options.DEFAULT.with(2.0, 0.5)),
                Mlp.fit(x, y, new Mlp.Options(4, Mlp.Activation.TANH, 1e-3, 1e-2, 16, 30, 0.2, 5, 1e-4, Long.MAX_VALUE - 6,
                        true, true)),
        };
        for (Classifier c : models) {
            Path file = tmp.resolve(c.kind().fileName() + ".json");
            ClassifierFile.write(file, c, 0.5, prov);
            ClassifierFile.Model back = ClassifierFile.read(file);
            for (float[] row : x) {
                assertEquals(c.score(row), back.classifier().score(row), 0.0, "JSON doubles round-trip exactly");
            }
            assertEquals(c.parameterCount(), back.classifier().parameterCount());
            assertEquals(c.kind(), back.classifier().kind());
            assertEquals(c.hyperparameters(), back.classifier().hyperparameters());
            assertEquals("lfcc", back.provenance().encoder());
            assertEquals(Map.of("bonafide", countOnes(y), "spoof", y.length - countOnes(y)),
                    back.provenance().trainingData().classCounts());
            // Kinds with a format-1.0 fixture keep its whole layout; a newer kind shares all but its weights.
            boolean fixture = c.kind() == Mlp.KIND || c instanceof LinearModel;
            TreeSet<String> expected = fieldPaths(JSON.readTree(resource("model-v1-" + (c.kind() == Mlp.KIND ? "mlp" : "lr")
                    + ".json").toFile()), ""), written = fieldPaths(JSON.readTree(file.toFile()), "");
            if (!fixture) {
                expected.removeIf(p -> p.startsWith("/weights/"));
                written.removeIf(p -> p.startsWith("/weights/"));
            }
            assertEquals(expected, written, "writer and compatibility fixture share one layout");
        }
    }

    @Test
    void refusesNewerMajorVersionsAndDamagedFiles() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(resource("model-v1-lr.json").toFile());
        doc.put("format_version", "2.0");
        Path future = tmp.resolve("future.json");
        JSON.writeValue(future.toFile(), doc);
        IOException e = assertThrows(IOException.class, () -> ClassifierFile.read(future));
        assertTrue(e.getMessage().contains(future.toString()) && e.getMessage().contains("newer greenspoof"), e.getMessage());

        doc.put("format_version", "1.7"); // a later minor version with an extra field still loads
        doc.put("some_future_field", 1);
        Path minor = tmp.resolve("minor.json");
        JSON.writeValue(minor.toFile(), doc);
        assertEquals("1.7", ClassifierFile.read(minor).formatVersion());

        ((ObjectNode) doc.get("weights")).remove("intercept");
        Path missing = tmp.resolve("missing.json");
        JSON.writeValue(missing.toFile(), doc);
        e = assertThrows(IOException.class, () -> ClassifierFile.read(missing));
        assertTrue(e.getMessage().contains("intercept"), e.getMessage());

        Path garbage = tmp.resolve("garbage.json");
        Files.writeString(garbage, "{\"format_version\": \"1.0\",\n oops");
        e = assertThrows(IOException.class, () -> ClassifierFile.read(garbage));
        assertTrue(e.getMessage().contains("garbage.json") && e.getMessage().contains("line 2"), e.getMessage());
    }

    private static int countOnes(int[] y) {
        int n = 0;
        for (int v : y) {
            n += v;
        }
        return n;
    }

    /** Every object field path (arrays contribute their element layout once). */
    private static TreeSet<String> fieldPaths(JsonNode n, String prefix) {
        TreeSet<String> out = new TreeSet<>();
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String p = prefix + "/" + e.getKey();
                // Count maps hold data-dependent keys (class and attack names), not layout.
                if (!e.getKey().endsWith("_counts") && !p.equals("/hyperparameters")) {
                    out.add(p);
                    out.addAll(fieldPaths(e.getValue(), p));
                }
            }
        }
        return out;
    }
}
