package org.greenspoof.dataset;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.fuzz.Outcomes;

/**
 * Fuzz target for the corpus lists (seeds in DatasetFuzzTestInputs/): the first byte picks the
 * format, the rest is the file: 0 an ASVspoof 2019 LA protocol, 1 a CSV list, 2 an In-the-Wild
 * meta.csv, 3 an ASVspoof 2021 DF trial_metadata.txt. Audio files a.flac, b.flac, LA_T_1/2.flac and
 * DF_E_1/2.flac exist. Allowed: utterances with an id, label, attack and audio path (the file need not
 * exist), or a DatasetException naming the file.
 */
class DatasetFuzzTest {
    private static final Path DIR = Outcomes.scratch("dataset");
    private static final String[] FILES = {
        "la/LA/ASVspoof2019_LA_cm_protocols/ASVspoof2019.LA.cm.train.trn.txt",
        "list/list.csv",
        "release_in_the_wild/meta.csv",
        "df/keys/DF/CM/trial_metadata.txt",
    };
    private static final String[] ROOTS = {"la", "list/list.csv", "release_in_the_wild", "df"};
    private static final String[] PARTITIONS = {"train", "eval", "eval", "eval"};

    static {
        try {
            for (String audio : new String[] {"la/LA/ASVspoof2019_LA_train/flac/LA_T_1.flac",
                    "la/LA/ASVspoof2019_LA_train/flac/LA_T_2.flac", "list/a.flac", "list/b.flac",
                    "release_in_the_wild/a.flac", "release_in_the_wild/b.flac",
                    "df/ASVspoof2021_DF_eval/flac/DF_E_1.flac", "df/ASVspoof2021_DF_eval/flac/DF_E_2.flac"}) {
                Outcomes.write(DIR, audio, new byte[] {1});
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void dataset(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        int kind = (data[0] & 0xFF) % FILES.length;
        Path f = Outcomes.write(DIR, FILES[kind], Arrays.copyOfRange(data, 1, data.length));
        Path root = DIR.resolve(ROOTS[kind]);
        Outcomes.only(f, () -> {
            Datasets.read(root, PARTITIONS[kind]).forEach(u -> {
                // A listed file need not exist: embed skips and lists missing audio (Datasets' contract).
                if (u.id() == null || u.label() == null || u.attack() == null || u.audio() == null) {
                    throw new AssertionError("an utterance the store cannot hold: " + u);
                }
            });
        }, DatasetException.class);
    }
}
