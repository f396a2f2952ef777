package org.greenspoof.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenspoof.io.TextFiles;

/**
 * Readers for the ASVspoof text formats, with errors that name the file and line:
 * <ul>
 * <li>CM protocol: ASVspoof 2019 {@code SPEAKER UTT_ID - ATTACK KEY}, or a 2021
 *     {@code trial_metadata.txt} line (the key is the first {@code bonafide}/{@code spoof} column
 *     after the id, the attack the column before it);</li>
 * <li>CM scores: {@code UTT_ID ATTACK_OR_DASH KEY SCORE} (ASVspoof 2019) or {@code UTT_ID SCORE};</li>
 * <li>ASV scores: {@code SOURCE KEY SCORE} with key {@code target}, {@code nontarget} or {@code spoof}
 *     (ASVspoof 2019 {@code LA_asv_scores}); longer lines that end in {@code KEY SCORE}, as some
 *     redistributed copies carry (e.g. {@code SPEAKER UTT_ID - SOURCE KEY SCORE}), are read the same way.</li>
 * </ul>
 */
public final class ScoreFiles {

    private ScoreFiles() {
    }

    /** One labelled, scored trial. */
    public record Trial(String id, String attack, boolean bonafide, double score) {
    }

    /** A protocol entry and the line it came from. */
    public record Key(String attack, boolean bonafide, long line) {
    }

    /** ASV scores split by key. */
    public record AsvScores(double[] target, double[] nontarget, double[] spoof) {
    }

    private record Scored(String id, String attack, Boolean bonafide, double score, long line) {
    }

    /**
     * One line of an ASVspoof 2019 CM score file, {@code UTT_ID ATTACK KEY SCORE} and a newline: the score as
     * the shortest text that reads back as the same double, so a reader sees exactly these scores.
     */
    public static String line(String id, String attack, String key, double score) {
        return id + ' ' + attack + ' ' + key + ' ' + score + '\n';
    }

    /** Reads a CM protocol: utterance id to key, in file order. */
    public static Map<String, Key> readProtocol(Path file) throws IOException {
        Map<String, Key> out = new LinkedHashMap<>();
        forEachLine(file, (line, cols) -> {
            if (cols.length < 5) {
                throw error(file, line, "expected a CM protocol line 'SPEAKER UTT_ID - ATTACK KEY', got " + cols.length + " columns");
            }
            int key = -1;
            for (int c = 2; c < cols.length && key < 0; c++) {
                if (cols[c].equals("bonafide") || cols[c].equals("spoof")) {
                    key = c;
                }
            }
            if (key < 0) {
                throw error(file, line, "no 'bonafide' or 'spoof' key column");
            }
            Key previous = out.put(cols[1], new Key(cols[key - 1], cols[key].equals("bonafide"), line));
            if (previous != null) {
                throw error(file, line, "duplicate utterance id " + cols[1] + " (first on line " + previous.line() + ")");
            }
        });
        if (out.isEmpty()) {
            throw new IOException(file + ": empty protocol, no trials");
        }
        return out;
    }

    /**
     * Reads CM scores and labels them: from the score file's own columns (4-column format, checked
     * against the protocol when one is given) or from the protocol (2-column format).
     *
     * @param protocol the protocol, or null for a 4-column file
     * @param protocolFile its path, for messages
     */
    public static List<Trial> readScores(Path file, Map<String, Key> protocol, Path protocolFile) throws IOException {
        List<Scored> scored = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        int[] format = {0};
        forEachLine(file, (line, cols) -> {
            if (format[0] == 0) {
                if (cols.length != 2 && cols.length != 4) {
                    throw error(file, line, "expected 'UTT_ID ATTACK_OR_DASH KEY SCORE' or 'UTT_ID SCORE', got "
                            + cols.length + " columns");
                }
                format[0] = cols.length;
            } else if (cols.length != format[0]) {
                throw error(file, line, "expected " + format[0] + " columns like the first line, got " + cols.length);
            }
            double score = parseScore(file, line, cols[cols.length - 1]);
            Long first = seen.putIfAbsent(cols[0], line);
            if (first != null) {
                throw error(file, line, "duplicate utterance id " + cols[0] + " (first on line " + first + ")");
            }
            if (cols.length == 4) {
                if (!cols[2].equals("bonafide") && !cols[2].equals("spoof")) {
                    throw error(file, line, "key '" + cols[2] + "' is neither 'bonafide' nor 'spoof'");
                }
                scored.add(new Scored(cols[0], cols[1], cols[2].equals("bonafide"), score, line));
            } else {
                scored.add(new Scored(cols[0], null, null, score, line));
            }
        });
        if (scored.isEmpty()) {
            throw new IOException(file + ": empty score file, no scores");
        }
        if (protocol == null && format[0] == 2) {
            throw new IllegalArgumentException(file + ": two-column scores carry no keys; give --protocol");
        }
        List<Trial> trials = new ArrayList<>(scored.size());
        for (Scored s : scored) {
            if (protocol == null) {
                trials.add(new Trial(s.id(), s.attack(), s.bonafide(), s.score()));
                continue;
            }
            Key k = protocol.get(s.id());
            if (k == null) {
                throw error(file, s.line(), "utterance " + s.id() + " is not in the protocol " + protocolFile);
            }
            if (s.bonafide() != null && (s.bonafide() != k.bonafide() || !s.attack().equals(k.attack())
                    && !(k.bonafide() && s.attack().equals("-")))) {
                throw error(file, s.line(), "utterance " + s.id() + " is labelled " + s.attack() + "/" + (s.bonafide() ? "bonafide" : "spoof")
                        + " but " + protocolFile + " line " + k.line() + " says " + k.attack() + "/" + (k.bonafide() ? "bonafide" : "spoof"));
            }
            trials.add(new Trial(s.id(), k.attack(), k.bonafide(), s.score()));
        }
        if (protocol != null && trials.size() != protocol.size()) {
            long missing = 0;
            Map.Entry<String, Key> firstMissing = null;
            for (Map.Entry<String, Key> e : protocol.entrySet()) {
                if (!seen.containsKey(e.getKey())) {
                    missing++;
                    if (firstMissing == null) {
                        firstMissing = e;
                    }
                }
            }
            throw error(protocolFile, firstMissing.getValue().line(), "utterance " + firstMissing.getKey() + " has no score in "
                    + file + (missing > 1 ? " (" + (missing - 1) + " more protocol trials lack scores)" : ""));
        }
        return trials;
    }

    /** Reads an ASV score file; all three keys must occur. */
    public static AsvScores readAsvScores(Path file) throws IOException {
        List<List<Double>> byKey = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        forEachLine(file, (line, cols) -> {
            if (cols.length < 3) {
                throw error(file, line, "expected an ASV score line 'SOURCE KEY SCORE', got " + cols.length + " columns");
            }
            String key = cols[cols.length - 2];
            int k = switch (key) {
                case "target" -> 0;
                case "nontarget" -> 1;
                case "spoof" -> 2;
                default -> throw error(file, line, "ASV key '" + key + "' (the column before the score) is not target, "
                        + "nontarget or spoof");
            };
            byKey.get(k).add(parseScore(file, line, cols[cols.length - 1]));
        });
        String[] names = {"target", "nontarget", "spoof"};
        for (int k = 0; k < 3; k++) {
            if (byKey.get(k).isEmpty()) {
                throw new IOException(file + ": no " + names[k] + " trials; the t-DCF needs target, nontarget and spoof ASV scores");
            }
        }
        return new AsvScores(toArray(byKey.get(0)), toArray(byKey.get(1)), toArray(byKey.get(2)));
    }

    private interface LineHandler {
        void accept(long line, String[] cols) throws IOException;
    }

    private static void forEachLine(Path file, LineHandler h) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long n = 0;
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                n++;
                String t = s.strip();
                if (!t.isEmpty()) {
                    h.accept(n, t.split("\\s+"));
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            long line = TextFiles.firstNonUtf8Line(file);
            throw new IOException(file + (line > 0 ? ":" + line : "") + ": expected UTF-8 text, found bytes that are not UTF-8", e);
        }
    }

    private static double parseScore(Path file, long line, String s) throws IOException {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw error(file, line, "score '" + s + "' is not a finite number");
        }
        return v;
    }

    private static IOException error(Path file, long line, String what) {
        return new IOException(file + ":" + line + ": " + what);
    }

    static double[] toArray(List<Double> v) {
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }
}
