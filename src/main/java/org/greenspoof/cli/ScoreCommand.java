package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.detect.Compatibility;
import org.greenspoof.io.AtomicFiles;
import org.greenspoof.metrics.Eer;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scores a store with a trained classifier, in the ASVspoof CM score format. */
@Command(name = "score", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Score every utterance of an embedding store with a classifier and write an ASVspoof 2019 CM "
                + "score file: 'UTT_ID ATTACK KEY SCORE' per line (ATTACK '-' for bona fide), higher = more bona fide. "
                + "`greenspoof eval --scores FILE` reads it."})
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    ClassifierFileOption classifier;

    @Option(names = "--store", required = true, paramLabel = "STORE", description = "Embeddings to score.")
    Path storePath;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Score file to write.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object (scores file, count, EER, failed files) instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Outputs.checkFile("--out", out);
        ClassifierFile.Model model = ClassifierFile.read(classifier.file);
        EmbeddingStore store = EmbeddingStore.open(storePath);
        StoreInfo info = store.info();
        int index = Compatibility.check("store " + storePath, info.model(), info.modelSha256(), info.layers(),
                info.pooling(), info.dim(), model, classifier.file.toString());
        float[][] x = store.layer(info.layers()[index]);
        List<EmbeddingStore.Entry> entries = store.entries();
        double[] scores = model.classifier().scores(x);
        StringBuilder sb = new StringBuilder();
        int bona = 0;
        for (int i = 0; i < scores.length; i++) {
            EmbeddingStore.Entry e = entries.get(i);
            sb.append(ScoreFiles.line(e.id(), e.attack(), e.label(), scores[i]));
            bona += e.label().equals("bonafide") ? 1 : 0;
        }
        AtomicFiles.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
        PrintStream text = Json.text(json);
        ObjectNode o = Json.object();
        o.put("scores", out.toString());
        o.put("count", scores.length);
        o.putNull("eer_percent");
        text.printf(Locale.ROOT, "wrote %d scores to %s%n", scores.length, out);
        if (bona > 0 && bona < scores.length) {
            double[] b = new double[bona], s = new double[scores.length - bona];
            for (int i = 0, bi = 0, si = 0; i < scores.length; i++) {
                if (entries.get(i).label().equals("bonafide")) {
                    b[bi++] = scores[i];
                } else {
                    s[si++] = scores[i];
                }
            }
            double eer = Eer.of(b, s).percent();
            o.put("eer_percent", eer);
            text.printf(Locale.ROOT, "EER %.3f %% on this store (details: greenspoof eval --scores %s)%n", eer, out);
        }
        o.set("failed", Json.failures(store.failures()));
        if (!store.failures().isEmpty()) {
            text.println(store.failures().size() + " utterances failed at embedding time and have no score:");
            store.failures().forEach(f -> text.println("  " + f.id() + " " + f.path() + ": " + f.error()));
        }
        if (json) {
            Json.print(o);
        }
        return ExitCode.OK;
    }
}
