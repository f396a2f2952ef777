package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that skipped files says so in its exit code, and a rerun tries the failed files again. */
class EmbedRetryTest {

    @TempDir
    Path tmp;

    @Test
    void failedFilesAreRetriedOnResume() throws IOException {
        List<Utterance> dev = Datasets.read(SharedCorpus.get(), "dev").subList(0, 5);
        Path broken = tmp.resolve("late.flac");
        Files.write(broken, new byte[100]);
        StringBuilder csv = new StringBuilder("path,label\n");
        for (Utterance u : dev) {
            csv.append(u.audio()).append(',').append(u.label().token()).append('\n');
        }
        csv.append(broken).append(",bonafide\n");
        Path list = Files.writeString(tmp.resolve("list.csv"), csv);
        String[] embed = {"embed", "--dataset", list.toString(), "--partition", "eval", "--out",
                tmp.resolve("store").toString(), "--no-progress"};

        Capture first = Capture.run(embed).expect(ExitCode.SKIPPED);
        assertTrue(first.out().contains("1 failed in total") && first.out().contains("1 files skipped (exit code 3)"),
                first.out());
        assertEquals(1, EmbeddingStore.open(tmp.resolve("store")).failures().size());

        Capture still = Capture.run(embed).expect(ExitCode.SKIPPED);
        assertTrue(still.out().contains("(1 to do)"), "the failure is tried again:\n" + still.out());
        assertEquals(1, EmbeddingStore.open(tmp.resolve("store")).failures().size(), "listed once, not twice");

        Files.copy(dev.get(0).audio(), broken, StandardCopyOption.REPLACE_EXISTING);
        Capture fixed = Capture.run(embed).expect(ExitCode.OK);
        assertTrue(fixed.out().contains("stored 6 utterances") && fixed.out().contains("0 failed in total"), fixed.out());
        EmbeddingStore s = EmbeddingStore.open(tmp.resolve("store"));
        assertEquals(6, s.entries().size());
        assertEquals(List.of(), s.failures());
        assertEquals("late", s.entries().get(5).id());
    }

    /** Under --on-error skip, a listed file that does not exist is skipped and listed like an unreadable one. */
    @Test
    void aMissingFileIsAFailureLikeAnyOther() throws IOException {
        List<Utterance> dev = Datasets.read(SharedCorpus.get(), "dev").subList(0, 3);
        Path gone = tmp.resolve("gone.flac");
        StringBuilder csv = new StringBuilder("path,label\n");
        dev.forEach(u -> csv.append(u.audio()).append(',').append(u.label().token()).append('\n'));
        csv.append(gone).append(",spoof\n");
        Path list = Files.writeString(tmp.resolve("list.csv"), csv);
        Capture c = Capture.run("embed", "--dataset", list.toString(), "--partition", "train", "--out",
                tmp.resolve("store").toString(), "--no-progress").expect(ExitCode.SKIPPED);
        assertTrue(c.out().contains("  failed gone " + gone + ": no such file\n"), "named once, in words:\n" + c.out());
        assertEquals(3, EmbeddingStore.open(tmp.resolve("store")).entries().size());
        Capture fail = Capture.run("embed", "--dataset", list.toString(), "--partition", "train", "--on-error", "fail",
                "--out", tmp.resolve("fail").toString(), "--no-progress").expect(ExitCode.ERROR);
        assertTrue(fail.err().contains("utterance gone (" + gone + "): no such file"), fail.err());
    }
}
