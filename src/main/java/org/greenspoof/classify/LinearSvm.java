package org.greenspoof.classify;

/**
 * Linear support vector classifier as scikit-learn's {@code LinearSVC(C=C, loss='squared_hinge',
 * penalty='l2', intercept_scaling=1)}: minimises
 * {@code C * sum_i s_i * max(0, 1 - t_i z_i)^2 + 0.5 * (||w||^2 + b^2)}; like liblinear, the
 * intercept is an extra constant feature and is penalised. The score is the signed margin
 * {@code z} (higher = more bona fide), not a logit: {@link #probability} is uncalibrated.
 */
public final class LinearSvm extends LinearModel {

    /** Kind {@code svm}, written as {@code linear_svm}. */
    public static final Kind<LinearSvm> KIND = new Kind<>("svm", "linear_svm",
            "linear SVM (sklearn LinearSVC, squared hinge)", LinearSvm.class, LinearSvm::new, LinearSvm::fit);

    public LinearSvm(Standardizer standardizer, double[] coef, double intercept, Options options, double trainingSeconds) {
        super(KIND, standardizer, coef, intercept, options, trainingSeconds);
    }

    /**
     * Fits on {@code x} (rows = samples) with labels {@code y} (1 = bona fide, 0 = spoof).
     *
     * @throws IllegalArgumentException on empty, ragged or non-finite input or a single class
     */
    public static LinearSvm fit(float[][] x, int[] y, Options options) {
        Fit f = LinearModel.fit(x, y, options, Loss.SQUARED_HINGE, true, "linear SVM");
        return new LinearSvm(f.standardizer(), f.coef(), f.intercept(), options, f.seconds());
    }
}
