package org.greenspoof.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the whitespace-separated ASVspoof CM protocols. 2019 LA lines are
 * {@code SPEAKER UTT_ID - ATTACK KEY} (ATTACK "-" for bona fide); 2021 LA/DF {@code trial_metadata.txt}
 * lines are {@code SPEAKER UTT_ID CODEC SOURCE ATTACK KEY TRIM SUBSET ...} (ATTACK "bonafide" for bona
 * fide). The two differ only in where ATTACK and KEY sit. A trial whose file is missing keeps the path
 * where it should be (in the first audio folder): embedding then reports it as a failed file.
 */
final class ProtocolReader {
    private ProtocolReader() {
    }

    /**
     * @param attackCol column of the attack id
     * @param keyCol    column of "bonafide"/"spoof"
     * @param audioDirs folders holding {@code UTT_ID.flac}
     */
    static List<Utterance> read(Path protocol, int attackCol, int keyCol, List<Path> audioDirs) throws IOException {
        // One directory listing instead of one stat per trial: DF eval lists 611k trials.
        Map<String, Path> files = new HashMap<>();
        for (Path dir : audioDirs) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(f -> files.putIfAbsent(f.getFileName().toString(), f));
            }
        }
        List<Utterance> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(protocol, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                int need = Math.max(attackCol, keyCol) + 1;
                if (f.length < need) {
                    throw DatasetException.atLine(protocol, lineNo,
                            "expected at least " + need + " space-separated fields, found " + f.length + ": " + line);
                }
                Label label = Label.parseOrNull(f[keyCol]);
                if (label == null) {
                    throw DatasetException.atLine(protocol, lineNo, "expected key 'bonafide' or 'spoof' in field "
                            + (keyCol + 1) + ", found '" + f[keyCol] + "'");
                }
                String id = f[1];
                if (!seen.add(id)) {
                    throw DatasetException.atLine(protocol, lineNo, "utterance " + id + " is listed twice");
                }
                // A missing file is the embedding's failure like an unreadable one (skipped and listed, or
                // stopping the run under --on-error fail), not a reason to refuse the whole partition.
                Path audio = files.get(id + ".flac");
                if (audio == null) {
                    audio = Datasets.resolveListed(protocol, lineNo, audioDirs.get(0), id + ".flac");
                }
                String attack = label == Label.BONAFIDE ? Utterance.NONE : f[attackCol];
                out.add(new Utterance(id, audio, label, attack, f[0]));
            }
        } catch (CharacterCodingException e) {
            throw DatasetException.notUtf8(protocol);
        }
        if (out.isEmpty()) {
            throw new DatasetException(protocol + ": no trials listed");
        }
        return out;
    }
}
