package org.greenspoof.classify;

/**
 * Binary L2-regularised logistic regression as scikit-learn's
 * {@code LogisticRegression(penalty='l2', C=C, class_weight=None|'balanced')}: minimises
 * {@code C * sum_i s_i * log(1 + exp(-t_i z_i)) + 0.5 * ||w||^2}, intercept not penalised. The
 * score is the logit of P(bona fide).
 */
public final class LogisticRegression extends LinearModel {

    /** Kind {@code lr}, written as {@code logistic_regression}. */
    public static final Kind<LogisticRegression> KIND = new Kind<>("lr", "logistic_regression",
            "logistic regression", LogisticRegression.class, LogisticRegression::new, LogisticRegression::fit);

    /**
     * @param coef      coefficients in the standardised space
     * @param intercept intercept in the standardised space
     */
    public LogisticRegression(Standardizer standardizer, double[] coef, double intercept, Options options,
                              double trainingSeconds) {
        super(KIND, standardizer, coef, intercept, options, trainingSeconds);
    }

    /**
     * Fits on {@code x} (rows = samples) with labels {@code y} (1 = bona fide, 0 = spoof).
     *
     * @throws IllegalArgumentException on empty, ragged or non-finite input or a single class
     */
    public static LogisticRegression fit(float[][] x, int[] y, Options options) {
        Fit f = LinearModel.fit(x, y, options, Loss.LOGISTIC, false, "logistic regression");
        return new LogisticRegression(f.standardizer(), f.coef(), f.intercept(), options, f.seconds());
    }
}
