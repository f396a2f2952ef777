package org.greenspoof.detect;

import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.audio.Resampler;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.classify.TrainingDistribution;
import org.greenspoof.frontend.EncoderEmbedder;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.store.Embedder;

/**
 * Scores audio with a trained classifier, for programs that embed greenspoof:
 * <pre>{@code
 * try (Detector d = Detector.load(Path.of("classifier.json"), Path.of("weights/wav2vec2-base"))) {
 *     Detector.Verdict v = d.score(Path.of("call.flac"));
 *     System.out.println(v.score() + (v.bonafide() ? " bona fide" : " spoof"));
 * }
 * }</pre>
 * The classifier file says which front-end (LFCC, or an encoder by its weights' SHA-256), layer and
 * pooling it was trained on; loading checks that the given encoder is that one. One instance may be
 * used from several threads.
 */
public final class Detector implements AutoCloseable {

    /** The rate the front-ends take; other rates are resampled to it. */
    public static final int SAMPLE_RATE = AudioReader.MODEL_RATE;

    /**
     * @param id          the file name without extension (or the caller's id)
     * @param score       classifier score, higher = more bona fide (the logit of P(bona fide))
     * @param probability P(bona fide), the logistic sigmoid of the score
     * @param threshold   the model's decision threshold on the score (its dev EER threshold)
     * @param bonafide    the score is above the threshold
     * @param warning     why the score should not be trusted (the input is far outside the training
     *                    data), or null; always null for model files without a training distribution
     */
    public record Verdict(String id, double score, double probability, double threshold, boolean bonafide,
                          String warning) {
    }

    private final ClassifierFile.Model model;
    private final int layerIndex;
    private final ThreadLocal<Embedder> embedders;
    private volatile boolean closed;

    private Detector(Embedder.Factory factory, String source, ClassifierFile.Model model, String classifierFile) {
        this.model = model;
        this.layerIndex = Compatibility.check(source, factory.model(), factory.modelSha256(), factory.layers(),
                factory.pooling(), factory.dim(), model, classifierFile);
        this.embedders = ThreadLocal.withInitial(factory::create);
    }

    /**
     * A detector for a classifier file from {@code greenspoof train}. The file says which front-end it
     * needs: for a classifier trained on LFCC, {@code encoderDir} must be null; for one trained on an
     * encoder, it is that checkpoint's folder, and only the classifier's layer is computed.
     */
    public static Detector load(Path classifierFile, Path encoderDir) throws IOException {
        ClassifierFile.Model m = ClassifierFile.read(classifierFile);
        ClassifierFile.Provenance p = m.provenance();
        if (p.encoderSha256() == null) {
            if (encoderDir != null) {
                throw new IllegalArgumentException(classifierFile + " was trained on LFCC features and takes no encoder ("
                        + encoderDir + " given)");
            }
            return new Detector(new LfccEmbedder(p.pooling()), "the LFCC front-end", m, classifierFile.toString());
        }
        if (encoderDir == null) {
            throw new IllegalArgumentException(classifierFile + " was trained on " + p.encoder()
                    + "; give the checkpoint folder it was trained with (--encoder DIR)");
        }
        if (p.layer() == null) {
            throw new IllegalArgumentException(classifierFile + " names no layer of its encoder");
        }
        return new Detector(EncoderEmbedder.open(encoderDir, new int[] {p.layer()}, p.pooling(), KernelProvider.get()),
                "the checkpoint " + encoderDir, m, classifierFile.toString());
    }

    /** Decodes (FLAC or WAV, any rate, mixed to mono) and scores one file. */
    public Verdict score(Path audio) throws IOException {
        return score(audio, AudioLimits.DEFAULT);
    }

    /** As {@link #score(Path)}, refusing audio outside {@code limits} before decoding it. */
    public Verdict score(Path audio, AudioLimits limits) throws IOException {
        String name = audio.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return score16k(dot > 0 ? name.substring(0, dot) : name, AudioReader.readMono16k(audio, limits));
    }

    /** Scores mono samples (float, full scale +-1) at {@code sampleRate} Hz; other rates than 16 kHz are resampled. */
    public Verdict score(String id, float[] samples, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        return score16k(id, sampleRate == SAMPLE_RATE ? samples : Resampler.resample(samples, sampleRate, SAMPLE_RATE));
    }

    private Verdict score16k(String id, float[] audio16k) {
        if (closed) {
            throw new IllegalStateException("the detector is closed");
        }
        float[] x = embedders.get().embed(audio16k)[layerIndex];
        double s = model.classifier().score(x);
        TrainingDistribution dist = model.distribution();
        return new Verdict(id, s, model.classifier().probability(x), model.threshold(), model.isBonafide(s),
                dist == null ? null : dist.warning(x));
    }

    public double threshold() {
        return model.threshold();
    }

    /** Marks the detector closed: later calls to score fail instead of using a released detector. */
    @Override
    public void close() {
        closed = true;
    }
}
