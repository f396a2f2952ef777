package org.greenspoof.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path tmp;

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static void touch(Path dir, String... names) throws IOException {
        Files.createDirectories(dir);
        for (String n : names) {
            Files.write(dir.resolve(n), new byte[] {1});
        }
    }

    /** The official 2019 LA tree: LA/ASVspoof2019_LA_cm_protocols + LA/ASVspoof2019_LA_{part}/flac. */
    private Path la2019(Path root) throws IOException {
        Path la = root.resolve("LA");
        write(la.resolve("ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.train.trn.txt"),
                "LA_0079 LA_T_1138215 - - bonafide\nLA_0079 LA_T_1271820 - A01 spoof\n");
        write(la.resolve("ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.dev.trl.txt"),
                "LA_0069 LA_D_1047731 - - bonafide\n\nLA_0070 LA_D_1105538 - A05 spoof\n");
        write(la.resolve("ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.eval.trl.txt"),
                "LA_0039 LA_E_2834763 - A11 spoof\n");
        touch(la.resolve("ASVspoof2019_LA_train/flac"), "LA_T_1138215.flac", "LA_T_1271820.flac");
        touch(la.resolve("ASVspoof2019_LA_dev/flac"), "LA_D_1047731.flac", "LA_D_1105538.flac");
        touch(la.resolve("ASVspoof2019_LA_eval/flac"), "LA_E_2834763.flac");
        return la;
    }

    @Test
    void readsAsvspoof2019FromParentOrLaFolder() throws IOException {
        Path la = la2019(tmp);
        for (Path root : List.of(tmp, la)) {
            assertEquals(Datasets.Format.ASVSPOOF2019_LA, Datasets.detect(root));
            List<Utterance> train = Datasets.read(root, "train");
            assertEquals(List.of(
                    new Utterance("LA_T_1138215", la.resolve("ASVspoof2019_LA_train/flac/LA_T_1138215.flac"),
                            Label.BONAFIDE, "-", "LA_0079"),
                    new Utterance("LA_T_1271820", la.resolve("ASVspoof2019_LA_train/flac/LA_T_1271820.flac"),
                            Label.SPOOF, "A01", "LA_0079")), train);
            List<Utterance> dev = Datasets.read(root, "dev");
            assertEquals(2, dev.size(), "blank line skipped");
            assertEquals("A05", dev.get(1).attack());
            assertEquals("A11", Datasets.read(root, "eval").get(0).attack());
        }
    }

    @Test
    void findsTheOrganisersAsvScoresOfA2019Partition() throws IOException {
        Path la = la2019(tmp);
        assertNull(Datasets.asvScores(tmp, "eval"), "absent");
        Path eval = la.resolve("ASVspoof2019_LA_asv_scores/ASVspoof2019.LA.asv.eval.gi.trl.scores.txt");
        write(eval, "LA_0039 target 1.5\n");
        assertEquals(eval, Datasets.asvScores(tmp, "eval"));
        assertEquals(eval, Datasets.asvScores(la, "eval"));
        assertNull(Datasets.asvScores(tmp, "dev"), "only eval's file exists");
        assertNull(Datasets.asvScores(tmp.resolve("list.csv"), "eval"), "not a 2019 LA folder");
    }

    /** A missing file is not the partition's problem: embedding reports it as a failed file (EmbedRetryTest). */
    @Test
    void aProtocolLineNamingAMissingFileKeepsTheExpectedPath() throws IOException {
        Path la = la2019(tmp);
        Path gone = la.resolve("ASVspoof2019_LA_dev/flac/LA_D_1105538.flac");
        Files.delete(gone);
        List<Utterance> dev = Datasets.read(tmp, "dev");
        assertEquals(gone, dev.stream().filter(u -> u.id().equals("LA_D_1105538")).findFirst().orElseThrow().audio());
    }

    @Test
    void badKeyAndShortLinesAreNamed() throws IOException {
        Path la = la2019(tmp);
        Path proto = la.resolve("ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.train.trn.txt");
        Files.writeString(proto, "LA_0079 LA_T_1138215 - - bonafide\nLA_0079 LA_T_1271820 - A01 fake\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(tmp, "train"));
        assertTrue(e.getMessage().contains(":2:") && e.getMessage().contains("'fake'"), e.getMessage());
        Files.writeString(proto, "LA_0079 LA_T_1138215 bonafide\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read(tmp, "train"));
        assertTrue(e.getMessage().contains(":1: expected at least 5"), e.getMessage());
    }

    @Test
    void wrongLayoutSaysWhatWasLookedFor() throws IOException {
        touch(tmp.resolve("flac"), "a.flac");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(tmp, "train"));
        assertTrue(e.getMessage().contains("ASVspoof2019_LA_cm_protocols"), e.getMessage());
        assertTrue(e.getMessage().contains("meta.csv"), e.getMessage());
        // Protocols present but the partition's audio folder missing: name the folder.
        Path la = la2019(tmp.resolve("x"));
        Files.walk(la.resolve("ASVspoof2019_LA_eval")).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        e = assertThrows(DatasetException.class, () -> Datasets.read(la, "eval"));
        assertTrue(e.getMessage().contains("ASVspoof2019_LA_eval/flac"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.read(la, "test"));
    }

    @Test
    void readsAsvspoof2021LaAndDfKeys() throws IOException {
        Path la = tmp.resolve("la21");
        touch(la.resolve("ASVspoof2021_LA_eval/flac"), "LA_E_9332881.flac", "LA_E_7294490.flac");
        write(la.resolve("LA-keys-full/keys/LA/CM/trial_metadata.txt"),
                "LA_0009 LA_E_9332881 alaw ita_tx A07 spoof notrim eval\n"
                        + "LA_0020 LA_E_7294490 g722 loc_tx bonafide bonafide notrim progress\n");
        assertEquals(Datasets.Format.ASVSPOOF2021_LA, Datasets.detect(la));
        List<Utterance> u = Datasets.read(la, "eval");
        assertEquals(new Utterance("LA_E_9332881", la.resolve("ASVspoof2021_LA_eval/flac/LA_E_9332881.flac"),
                Label.SPOOF, "A07", "LA_0009"), u.get(0));
        assertEquals(new Utterance("LA_E_7294490", la.resolve("ASVspoof2021_LA_eval/flac/LA_E_7294490.flac"),
                Label.BONAFIDE, "-", "LA_0020"), u.get(1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.read(la, "train"));

        Path df = tmp.resolve("df21");
        touch(df.resolve("ASVspoof2021_DF_eval_part00/ASVspoof2021_DF_eval/flac"), "DF_E_2000011.flac");
        touch(df.resolve("ASVspoof2021_DF_eval_part01/ASVspoof2021_DF_eval/flac"), "DF_E_2000013.flac");
        assertThrows(DatasetException.class, () -> Datasets.read(df, "eval"), "keys missing");
        write(df.resolve("keys/DF/CM/trial_metadata.txt"),
                "LA_0023 DF_E_2000011 nocodec asvspoof A14 spoof notrim progress traditional_vocoder - - - -\n"
                        + "TEF2 DF_E_2000013 low_m4a vcc2020 Task1-team20 spoof notrim eval neural_vocoder_nonautoregressive"
                        + " Task1 team20 FF E\n");
        assertEquals(Datasets.Format.ASVSPOOF2021_DF, Datasets.detect(df));
        u = Datasets.read(df, "eval");
        assertEquals("Task1-team20", u.get(1).attack());
        assertEquals(df.resolve("ASVspoof2021_DF_eval_part01/ASVspoof2021_DF_eval/flac/DF_E_2000013.flac"),
                u.get(1).audio());
    }

    @Test
    void readsInTheWild() throws IOException {
        Path w = tmp.resolve("release_in_the_wild");
        touch(w, "0.wav", "1.wav");
        write(w.resolve("meta.csv"), "file,speaker,label\n0.wav,Alec Guinness,spoof\n1.wav,\"Obama, Barack\",bona-fide\n");
        List<Utterance> u = Datasets.read(w, "eval");
        assertEquals(new Utterance("0", w.resolve("0.wav"), Label.SPOOF, "-", "Alec Guinness"), u.get(0));
        assertEquals(new Utterance("1", w.resolve("1.wav"), Label.BONAFIDE, "-", "Obama, Barack"), u.get(1));
        write(w.resolve("meta.csv"), "file,speaker,label\n0.wav,A,spoof\n2.wav,B,spoof\n");
        assertEquals(w.resolve("2.wav"), Datasets.read(w, "eval").get(1).audio(), "missing: embedding's failure");
        write(w.resolve("meta.csv"), "file,speaker,label\n0.wav,A,real\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(w, "eval"));
        assertTrue(e.getMessage().contains("meta.csv:2:") && e.getMessage().contains("'real'"), e.getMessage());
    }

    /** Issue 15 #10: a protocol or list that is not UTF-8 names the line holding the bad bytes. */
    @Test
    void textThatIsNotUtf8NamesTheLine() throws IOException {
        Path la = la2019(tmp);
        Path protocol = la.resolve("ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.train.trn.txt");
        // Line 300 of a long protocol: far past the reader's first read-ahead buffer.
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i < 300; i++) {
            lines.append(" ".repeat(100)).append('\n'); // blank lines are skipped but counted
        }
        Files.write(protocol, (lines + "LA_0079 LA_T_\u00e9 - - bonafide\n").getBytes(StandardCharsets.ISO_8859_1));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(tmp, "train"));
        assertTrue(e.getMessage().startsWith(protocol + ":300: expected UTF-8 text"), e.getMessage());

        touch(tmp.resolve("audio"), "x.flac");
        Path csv = tmp.resolve("latin1.csv");
        Files.write(csv, "path,label\naudio/x.flac,bonafide\nacc\u00e9s.flac,spoof\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(DatasetException.class, () -> Datasets.read(csv, "eval"));
        assertTrue(e.getMessage().startsWith(csv + ":3: expected UTF-8 text"), e.getMessage());
    }

    /** Issue 15 #11: a NUL byte in a listed path is an error on that line, not an InvalidPathException. */
    @Test
    void aNulByteInAListedPathNamesTheLine() throws IOException {
        touch(tmp.resolve("audio"), "x.flac");
        Path csv = tmp.resolve("nul.csv");
        write(csv, "path,label\naudio/x.flac,bonafide\naudio/y\u0000.flac,spoof\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(csv, "eval"));
        assertTrue(e.getMessage().startsWith(csv + ":3: expected a file path, found 'audio/y\\x00.flac'")
                && e.getMessage().contains("NUL byte") && e.getMessage().indexOf(0) < 0, e.getMessage());
        Path w = tmp.resolve("release_in_the_wild");
        touch(w, "0.wav");
        write(w.resolve("meta.csv"), "file,speaker,label\n\u0000.wav,A,spoof\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read(w, "eval"));
        assertTrue(e.getMessage().startsWith(w.resolve("meta.csv") + ":2: expected a file path"), e.getMessage());
    }

    @Test
    void readsGenericCsv() throws IOException {
        touch(tmp.resolve("audio"), "x.flac", "y.wav");
        Path csv = tmp.resolve("list.csv");
        write(csv, "path,label,attack\naudio/x.flac,bonafide,\naudio/y.wav,spoof,tts1\n");
        assertEquals(List.of(new Utterance("x", tmp.resolve("audio/x.flac"), Label.BONAFIDE, "-", "-"),
                new Utterance("y", tmp.resolve("audio/y.wav"), Label.SPOOF, "tts1", "-")), Datasets.read(csv, "eval"));
        write(csv, "path,label\naudio/x.flac,spoof\n");
        assertEquals("-", Datasets.read(csv, "eval").get(0).attack());
        // One list per partition: a list may be train or dev data too.
        assertEquals(Datasets.read(csv, "eval"), Datasets.read(csv, "train"));
        assertEquals(Datasets.read(csv, "eval"), Datasets.read(csv, "dev"));
        assertThrows(IllegalArgumentException.class, () -> Datasets.read(csv, "test"));
        write(csv, "file,label\naudio/x.flac,spoof\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read(csv, "eval"));
        assertTrue(e.getMessage().contains(":1: expected the header path,label,attack"), e.getMessage());
    }
}
