package org.greenspoof.detect;

import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.frontend.EncoderEmbedder;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.store.Embedder;

/**
 * Scores audio files with a trained classifier, for programs that embed greenspoof:
 * <pre>{@code
 * Detector d = Detector.load(Path.of("weights/wav2vec2-base"), Path.of("model.json"));
 * Detector.Verdict v = d.score(Path.of("call.flac"));
 * System.out.println(v.id() + " " + v.score() + (v.bonafide() ? " bona fide" : " spoof"));
 * }</pre>
 * The classifier file says which layer and pooling it was trained on; loading checks that the
 * encoder (by weights SHA-256) or front-end is the one it was trained with. One instance may be
 * used from several threads.
 */
public final class Detector {

    /**
     * @param id       the file name without extension
     * @param score    classifier score, higher = more bona fide
     * @param bonafide the score is above the model's stored threshold
     */
    public record Verdict(String id, double score, boolean bonafide) {
    }

    private final Embedder.Factory factory;
    private final ClassifierFile.Model model;
    private final int layerIndex;
    private final ThreadLocal<Embedder> embedders;

    private Detector(Embedder.Factory factory, String source, ClassifierFile.Model model, String classifierFile) {
        this.factory = factory;
        this.model = model;
        this.layerIndex = Compatibility.check(source, factory.model(), factory.modelSha256(), factory.layers(),
                factory.pooling(), factory.dim(), model, classifierFile);
        this.embedders = ThreadLocal.withInitial(factory::create);
    }

    /** A detector on a Hugging Face encoder checkpoint folder, computing only the classifier's layer. */
    public static Detector load(Path encoderDir, Path classifierFile) throws IOException {
        ClassifierFile.Model m = ClassifierFile.read(classifierFile);
        Integer layer = m.provenance().layer();
        if (layer == null) {
            throw new IllegalArgumentException(classifierFile + " names no layer; it was not trained on encoder embeddings");
        }
        return new Detector(EncoderEmbedder.open(encoderDir, new int[] {layer}, m.provenance().pooling(),
                KernelProvider.get()), "the checkpoint " + encoderDir, m,
                classifierFile.toString());
    }

    /** A detector on the LFCC front-end (for classifiers trained on LFCC stores). */
    public static Detector loadLfcc(Path classifierFile) throws IOException {
        ClassifierFile.Model m = ClassifierFile.read(classifierFile);
        return new Detector(new LfccEmbedder(m.provenance().pooling()), "the LFCC front-end", m,
                classifierFile.toString());
    }

    /** Decodes (FLAC or WAV, resampled to 16 kHz) and scores one file. */
    public Verdict score(Path audio) throws IOException {
        return score(audio, AudioLimits.DEFAULT);
    }

    /** As {@link #score(Path)}, refusing audio outside {@code limits} before decoding it. */
    public Verdict score(Path audio, AudioLimits limits) throws IOException {
        String name = audio.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return score(dot > 0 ? name.substring(0, dot) : name, AudioReader.readMono16k(audio, limits));
    }

    /** Scores 16 kHz mono samples. */
    public Verdict score(String id, float[] audio16k) {
        double s = model.classifier().score(embedders.get().embed(audio16k)[layerIndex]);
        return new Verdict(id, s, model.isBonafide(s));
    }

    public double threshold() {
        return model.threshold();
    }

    /** What computes the embeddings, for reports. */
    public String frontend() {
        return factory.model();
    }
}
