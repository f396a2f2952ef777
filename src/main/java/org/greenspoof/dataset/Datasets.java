package org.greenspoof.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the supported corpora into utterance lists, recognising the format from the folder layout:
 * <ul>
 *   <li>ASVspoof 2019 LA: {@code ASVspoof2019_LA_{train,dev,eval}/flac/*.flac} and
 *       {@code ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.{train.trn,dev.trl,eval.trl}.txt}, under the
 *       given folder or its {@code LA/} subfolder;</li>
 *   <li>ASVspoof 2021 LA / DF (eval only): {@code ASVspoof2021_{LA,DF}_eval/flac} (DF also split into
 *       {@code ASVspoof2021_DF_eval_part0N/ASVspoof2021_DF_eval/flac}) with the keys package's
 *       {@code .../{LA,DF}/CM/trial_metadata.txt} anywhere below the folder;</li>
 *   <li>In-the-Wild (one partition, "eval"): {@code meta.csv} ({@code file,speaker,label}, label
 *       "bona-fide" or "spoof") beside the audio files;</li>
 *   <li>a generic CSV list (one list per partition, "train", "dev" or "eval"): a {@code .csv} file with header
 *       {@code path,label[,attack]}, paths relative to the file's folder; the id is the file name without extension.</li>
 * </ul>
 */
public final class Datasets {
    private Datasets() {
    }

    /** A recognised corpus format. */
    public enum Format {
        ASVSPOOF2019_LA("ASVspoof 2019 LA"), ASVSPOOF2021_LA("ASVspoof 2021 LA"), ASVSPOOF2021_DF("ASVspoof 2021 DF"),
        IN_THE_WILD("In-the-Wild"), CSV("CSV list");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        /** The name users know the corpus by, for messages. */
        public String label() {
            return label;
        }
    }

    /** The utterances of one partition ("train", "dev" or "eval"), in protocol order. */
    public static List<Utterance> read(Path root, String partition) throws IOException {
        Format f = detect(root);
        switch (f) {
            case ASVSPOOF2019_LA:
                return readAsvspoof2019(la2019Dir(root), partition);
            case ASVSPOOF2021_LA:
            case ASVSPOOF2021_DF:
                return readAsvspoof2021(root, f == Format.ASVSPOOF2021_LA ? "LA" : "DF", partition);
            case IN_THE_WILD:
                requireEval(root, "In-the-Wild", partition);
                return readInTheWild(root.resolve("meta.csv"));
            default:
                // A list is whatever partition the user says it is (one list per partition).
                if (!List.of("train", "dev", "eval").contains(partition)) {
                    throw new IllegalArgumentException("--partition must be train, dev or eval, not '" + partition + "'");
                }
                return readCsv(root);
        }
    }

    /** Recognises the format, or says what was looked for. */
    public static Format detect(Path root) throws IOException {
        if (Files.isRegularFile(root) && root.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return Format.CSV;
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": no such dataset folder or .csv list");
        }
        if (la2019Dir(root) != null) {
            return Format.ASVSPOOF2019_LA;
        }
        if (Files.isDirectory(root.resolve("ASVspoof2021_LA_eval"))) {
            return Format.ASVSPOOF2021_LA;
        }
        if (!dfAudioDirs(root).isEmpty()) {
            return Format.ASVSPOOF2021_DF;
        }
        if (Files.isRegularFile(root.resolve("meta.csv"))) {
            return Format.IN_THE_WILD;
        }
        throw new DatasetException(root + ": not a recognised dataset folder; looked for "
                + "LA/ASVspoof2019_LA_cm_protocols or ASVspoof2019_LA_cm_protocols (ASVspoof 2019 LA), "
                + "ASVspoof2021_LA_eval or ASVspoof2021_DF_eval[_partNN] (ASVspoof 2021), "
                + "meta.csv (In-the-Wild), or pass a .csv list (path,label[,attack])");
    }

    /**
     * The organisers' ASV scores of an ASVspoof 2019 LA partition ("dev" or "eval"), which min t-DCF needs:
     * {@code ASVspoof2019_LA_asv_scores/ASVspoof2019.LA.asv.PART.gi.trl.scores.txt}; null when the folder
     * is another format or the file is not there.
     */
    public static Path asvScores(Path root, String partition) {
        Path la = Files.isDirectory(root) ? la2019Dir(root) : null;
        if (la == null) {
            return null;
        }
        Path p = la.resolve("ASVspoof2019_LA_asv_scores").resolve("ASVspoof2019.LA.asv." + partition + ".gi.trl.scores.txt");
        return Files.isRegularFile(p) ? p : null;
    }

    private static Path la2019Dir(Path root) {
        for (Path d : List.of(root, root.resolve("LA"))) {
            if (Files.isDirectory(d.resolve("ASVspoof2019_LA_cm_protocols"))) {
                return d;
            }
        }
        return null;
    }

    private static List<Utterance> readAsvspoof2019(Path la, String partition) throws IOException {
        String suffix;
        switch (partition) {
            case "train":
                suffix = "train.trn";
                break;
            case "dev":
                suffix = "dev.trl";
                break;
            case "eval":
                suffix = "eval.trl";
                break;
            default:
                throw new IllegalArgumentException("ASVspoof 2019 LA has partitions train, dev and eval, not '"
                        + partition + "'");
        }
        Path protocol = la.resolve("ASVspoof2019_LA_cm_protocols").resolve("ASVspoof2019.LA.cm." + suffix + ".txt");
        Path flac = la.resolve("ASVspoof2019_LA_" + partition).resolve("flac");
        requireFile(protocol, "the ASVspoof 2019 LA " + partition + " protocol");
        requireDir(flac, "the ASVspoof 2019 LA " + partition + " audio folder");
        return ProtocolReader.read(protocol, 3, 4, List.of(flac));
    }

    private static List<Utterance> readAsvspoof2021(Path root, String track, String partition) throws IOException {
        requireEval(root, "ASVspoof 2021 " + track, partition);
        List<Path> audio = track.equals("LA") ? List.of(root.resolve("ASVspoof2021_LA_eval").resolve("flac"))
                : dfAudioDirs(root);
        for (Path d : audio) {
            requireDir(d, "the ASVspoof 2021 " + track + " audio folder");
        }
        Path keys = findKeys(root, track);
        return ProtocolReader.read(keys, 4, 5, audio);
    }

    private static List<Path> dfAudioDirs(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path single = root.resolve("ASVspoof2021_DF_eval").resolve("flac");
        if (Files.isDirectory(single)) {
            dirs.add(single);
        }
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> p.getFileName().toString().startsWith("ASVspoof2021_DF_eval_part")).sorted()
                    .map(p -> p.resolve("ASVspoof2021_DF_eval").resolve("flac"))
                    .filter(Files::isDirectory).forEach(dirs::add);
        }
        return dirs;
    }

    /** The keys package unpacks as {@code [LA-keys-full/]keys/LA/CM/trial_metadata.txt}; accept it anywhere below. */
    private static Path findKeys(Path root, String track) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, Set.of(), 5, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // Audio folders hold up to 611k files and never the keys.
                return dir.getFileName() != null && dir.getFileName().toString().equals("flac")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                if (p.getFileName().toString().equals("trial_metadata.txt") && p.getNameCount() >= 3
                        && p.getParent().getFileName().toString().equals("CM")
                        && p.getParent().getParent().getFileName().toString().equals(track)) {
                    found.add(p);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found.stream().sorted().findFirst().orElseThrow(() -> new DatasetException(root
                + ": no ASVspoof 2021 " + track + " keys; looked for " + track
                + "/CM/trial_metadata.txt (from " + track + "-keys-full.tar.gz) up to 5 levels below"));
    }

    private static List<Utterance> readInTheWild(Path meta) throws IOException {
        Path dir = meta.getParent();
        List<Utterance> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        readCsvRows(meta, new String[] {"file", "speaker", "label"}, (lineNo, row) -> {
            Label label = parseLabel(meta, lineNo, row[2]);
            Path audio = resolveListed(meta, lineNo, dir, row[0]);
            String id = stripExtension(row[0]);
            if (!seen.add(id)) {
                throw DatasetException.atLine(meta, lineNo, "file " + row[0] + " is listed twice");
            }
            out.add(new Utterance(id, audio, label, Utterance.NONE, row[1].isEmpty() ? Utterance.NONE : row[1]));
        });
        return nonEmpty(meta, out);
    }

    private static List<Utterance> readCsv(Path csv) throws IOException {
        Path dir = csv.toAbsolutePath().getParent();
        List<Utterance> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        readCsvRows(csv, new String[] {"path", "label", "attack"}, (lineNo, row) -> {
            Label label = parseLabel(csv, lineNo, row[1]);
            Path audio = resolveListed(csv, lineNo, dir, row[0]);
            String id = stripExtension(audio.getFileName().toString());
            if (!seen.add(id)) {
                throw DatasetException.atLine(csv, lineNo, "id " + id + " (file name without extension) is used twice");
            }
            String attack = row.length > 2 && !row[2].isEmpty() && label == Label.SPOOF ? row[2] : Utterance.NONE;
            out.add(new Utterance(id, audio, label, attack, Utterance.NONE));
        });
        return nonEmpty(csv, out);
    }

    private interface RowHandler {
        void row(int lineNo, String[] fields) throws IOException;
    }

    /**
     * Reads a CSV with a header whose first columns must be {@code columns} (the last one optional
     * when there are three), and hands over each data row.
     */
    private static void readCsvRows(Path csv, String[] columns, RowHandler handler) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw DatasetException.atLine(csv, 1, "empty file; expected the header " + String.join(",", columns));
            }
            String[] h = Csv.split(header.replace("\uFEFF", ""), csv, 1);
            int required = columns.length == 3 && columns[2].equals("attack") ? 2 : columns.length;
            boolean ok = h.length >= required;
            for (int i = 0; ok && i < Math.min(h.length, columns.length); i++) {
                ok = h[i].trim().equalsIgnoreCase(columns[i]);
            }
            if (!ok) {
                throw DatasetException.atLine(csv, 1, "expected the header " + String.join(",", columns)
                        + (required < columns.length ? " (last column optional)" : "") + ", found " + header);
            }
            int lineNo = 1;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = Csv.split(line, csv, lineNo);
                if (f.length < required) {
                    throw DatasetException.atLine(csv, lineNo, "expected " + required + " fields, found " + f.length);
                }
                handler.row(lineNo, f);
            }
        } catch (CharacterCodingException e) {
            throw DatasetException.notUtf8(csv);
        }
    }

    private static Label parseLabel(Path file, int lineNo, String s) throws DatasetException {
        Label l = Label.parseOrNull(s);
        if (l == null) {
            throw DatasetException.atLine(file, lineNo, "expected label bonafide, bona-fide or spoof, found '" + s + "'");
        }
        return l;
    }

    /** {@code dir/path} for a path read from line {@code lineNo} of a list; one that cannot be a path is refused there. */
    static Path resolveListed(Path list, int lineNo, Path dir, String path) throws DatasetException {
        try {
            Path p = dir.resolve(path);
            if (p.getFileName() == null) { // "/": a file's name is the utterance's id
                throw DatasetException.atLine(list, lineNo, "expected a file path, found '" + path + "' (a root folder)");
            }
            return p;
        } catch (InvalidPathException e) {
            throw DatasetException.atLine(list, lineNo, "expected a file path, found '" + path
                    + "' (" + e.getReason() + (path.indexOf(0) >= 0 ? ": it holds a NUL byte" : "") + ")");
        }
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        int slash = base.lastIndexOf('/');
        return slash >= 0 ? base.substring(slash + 1) : base;
    }

    private static List<Utterance> nonEmpty(Path file, List<Utterance> out) throws DatasetException {
        if (out.isEmpty()) {
            throw new DatasetException(file + ": no utterances listed");
        }
        return out;
    }

    private static void requireEval(Path root, String what, String partition) {
        if (!partition.equals("eval")) {
            throw new IllegalArgumentException(root + " is " + what + ", which has only the partition 'eval', not '"
                    + partition + "'");
        }
    }

    private static void requireFile(Path p, String what) throws DatasetException {
        if (!Files.isRegularFile(p)) {
            throw new DatasetException("missing " + what + ": looked for " + p);
        }
    }

    private static void requireDir(Path p, String what) throws DatasetException {
        if (!Files.isDirectory(p)) {
            throw new DatasetException("missing " + what + ": looked for " + p);
        }
    }
}
