package org.greenspoof.classify;

import java.util.Map;

/**
 * A trained bona fide / spoof classifier on fixed-size embeddings. Scores follow the ASVspoof
 * convention: bona fide is the positive class and higher means more bona fide; the score is the
 * logit of P(bona fide) (for the support vector machines, the signed margin). Each implementation
 * has a {@link ClassifierKind}, listed in {@link ClassifierKinds}.
 */
public interface Classifier {

    /** Score of one embedding of length {@link #dimension()}; allocates nothing. */
    double score(float[] x);

    /** Input dimension. */
    int dimension();

    /** Trainable parameters (weights and biases; the standardiser is not trained by gradient). */
    int parameterCount();

    /** Wall time the fit took, in seconds (as recorded at training time for a loaded model). */
    double trainingSeconds();

    /** Its kind (names, grid, model-file codec); see {@link ClassifierKinds}. */
    ClassifierKind<?> kind();

    /** Hyper-parameters as written to the model file. */
    Map<String, Object> hyperparameters();

    /** The input standardiser (identity when training did not standardise). */
    Standardizer standardizer();

    /** Scores every row. */
    default double[] scores(float[][] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = score(x[i]);
        }
        return out;
    }

    /** P(bona fide), the logistic sigmoid of the score. */
    default double probability(float[] x) {
        return Sigmoid.of(score(x));
    }
}
