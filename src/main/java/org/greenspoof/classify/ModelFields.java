package org.greenspoof.classify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Typed access to the fields of one model file, for {@link ClassifierFile} and the kinds' codecs:
 * every error names the file and the field.
 */
final class ModelFields {
    private final Path path;
    private final JsonNode root;

    /** Checks nothing yet: fields are checked as they are asked for. */
    ModelFields(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    Path path() {
        return path;
    }

    /** The document's top-level object. */
    JsonNode root() {
        return root;
    }

    /** The {@code hyperparameters} object. */
    JsonNode hyperparameters() throws IOException {
        return object(root, "hyperparameters");
    }

    /** The {@code weights} object. */
    JsonNode weights() throws IOException {
        return object(root, "weights");
    }

    /**
     * The weights' array {@code name} of one array per row (hidden units, support vectors): non-empty,
     * so the first row's length gives the dimension the caller reads every row at.
     */
    JsonNode rows(String name) throws IOException {
        JsonNode rows = weights().get(name);
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw error("weights." + name + " must be a non-empty array of rows");
        }
        return rows;
    }

    double trainingSeconds() throws IOException {
        return number(root, "training_seconds");
    }

    /** The stored standardiser of dimension {@code d}, or the identity when the file holds null. */
    Standardizer standardizer(int d) throws IOException {
        JsonNode s = root.get("standardizer");
        if (s == null || s.isNull()) {
            return Standardizer.identity(d);
        }
        return new Standardizer(doubles(s, "mean", d), doubles(s, "scale", d));
    }

    /** An error about this file. */
    IOException error(String message) {
        return new IOException(path + ": " + message);
    }

    JsonNode field(JsonNode n, String name) throws IOException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw error("missing field \"" + name + "\"");
        }
        return v;
    }

    JsonNode object(JsonNode n, String name) throws IOException {
        JsonNode v = field(n, name);
        if (!v.isObject()) {
            throw error("field \"" + name + "\" must be an object");
        }
        return v;
    }

    String text(JsonNode n, String name) throws IOException {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw error("field \"" + name + "\" must be a string");
        }
        return v.asText();
    }

    double number(JsonNode n, String name) throws IOException {
        JsonNode v = field(n, name);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error("field \"" + name + "\" must be a finite number");
        }
        return v.asDouble();
    }

    /** An integral number, read exactly (a 64-bit seed does not survive a trip through double). */
    long integer(JsonNode n, String name) throws IOException {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error("field \"" + name + "\" must be an integer");
        }
        return v.asLong();
    }

    boolean bool(JsonNode n, String name) throws IOException {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw error("field \"" + name + "\" must be true or false");
        }
        return v.asBoolean();
    }

    /** {@code class_weight}: "balanced" or "none". */
    boolean balanced(JsonNode n) throws IOException {
        return "balanced".equals(text(n, "class_weight"));
    }

    /**
     * An array of float32 values: each written as the shortest decimal of a float, which rounds back
     * to that float exactly.
     */
    float[] floats(JsonNode n, String name, int expected) throws IOException {
        double[] v = doubles(n, name, expected);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
            if (!Float.isFinite(out[i])) {
                throw error(name + "[" + i + "] is " + v[i] + ", beyond the float32 range");
            }
        }
        return out;
    }

    double[] doubles(JsonNode n, String name) throws IOException {
        return doubles(field(n, name), name, -1);
    }

    /** The array {@code n} itself when it is one, else its field {@code name}; {@code expected} < 0: any length. */
    double[] doubles(JsonNode n, String name, int expected) throws IOException {
        JsonNode a = n.isArray() ? n : field(n, name);
        if (!a.isArray() || (expected >= 0 && a.size() != expected)) {
            throw error("field \"" + name + "\" must be an array" + (expected >= 0 ? " of " + expected + " numbers" : ""));
        }
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            if (!a.get(i).isNumber() || !Double.isFinite(a.get(i).asDouble())) {
                throw error(name + "[" + i + "] must be a finite number");
            }
            v[i] = a.get(i).asDouble();
        }
        return v;
    }
}
