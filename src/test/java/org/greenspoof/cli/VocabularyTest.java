package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One word per concept in every command, its help and the README: --encoder (a checkpoint folder),
 * --classifier (a classifier file), --kind/--kinds (lr, mlp), --layer (one) / --layers (a list) /
 * --depth (how far the forward pass runs), --out (what the command writes). Old spellings still parse.
 */
class VocabularyTest {

    /** Spellings replaced by the vocabulary above; they stay as hidden aliases. */
    static final List<String> OLD = List.of("--model", "--classifiers", "--out-prefix", "--max-layer");

    @Test
    void helpUsesOneWordPerConcept() {
        CommandLine root = new CommandLine(new GreenspoofCli());
        for (var e : root.getSubcommands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.hidden()) {
                    continue;
                }
                for (String name : o.names()) {
                    assertFalse(OLD.contains(name), e.getKey() + " shows " + name);
                    if (name.equals("--classifier")) {
                        assertEquals("CLASSIFIER.json", o.paramLabel(), e.getKey() + ": --classifier is a classifier file");
                    }
                }
            }
            StringWriter help = new StringWriter();
            e.getValue().usage(new PrintWriter(help));
            assertFalse(help.toString().contains("MODEL.json"), e.getKey());
            for (String old : OLD) {
                assertFalse(help.toString().contains(old + " ") || help.toString().contains(old + "="), e.getKey() + ": " + old);
            }
        }
    }

    @Test
    void oldSpellingsStillWork() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--train", "t", "--classifier", "mlp", "--out", "m.json");
        assertEquals(org.greenspoof.classify.Mlp.KIND, train.classifier.kind);
        DetectCommand detect = new DetectCommand();
        new CommandLine(detect).parseArgs("--model", "enc", "--classifier", "c.json", "x.flac");
        assertEquals(Path.of("enc"), detect.loaded.encoder);
        SweepCommand sweep = new SweepCommand();
        new CommandLine(sweep).parseArgs("--train", "t", "--dev", "d", "--classifiers", "lr", "--out-prefix", "p");
        assertEquals(List.of(org.greenspoof.classify.LogisticRegression.KIND), sweep.classifiers);
        assertEquals(Path.of("p"), sweep.prefix);
        HiddenStatesCommand hs = new HiddenStatesCommand();
        new CommandLine(hs).parseArgs("--model", "enc", "--audio", "a.wav", "--out", "o.npy", "--max-layer", "3");
        assertEquals(3, hs.maxLayer);
        assertEquals(Path.of("enc"), hs.encoderDir.required());
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--model", "enc");
        assertEquals(Path.of("enc"), bench.encoderDir.required());
        EmbedCommand embed = new EmbedCommand();
        new CommandLine(embed).parseArgs("--model", "enc", "--dataset", "d", "--partition", "dev", "--out", "s");
        assertEquals(Path.of("enc"), embed.frontend.model);
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--model", "enc", "--classifier", "mlp");
        assertEquals(Path.of("enc"), demo.model);
        assertEquals(org.greenspoof.classify.Mlp.KIND, demo.classifier.kind);
    }

    @Test
    void theReadmeSpeaksTheSameVocabulary() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (String old : OLD) {
            assertFalse(readme.contains(old + " ") || readme.contains(old + "="), "README uses " + old);
        }
        assertFalse(readme.contains("MODEL.json"));
        assertFalse(readme.contains("--classifier lr") || readme.contains("--classifier mlp"), "a kind is --kind");
        assertTrue(readme.contains("--encoder "));
    }
}
