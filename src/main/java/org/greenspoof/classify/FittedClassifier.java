package org.greenspoof.classify;

import java.util.Map;

/**
 * What every trained classifier holds besides its own parameters: its kind, the standardiser its
 * inputs pass through, the options it was fitted with and the fit's wall time. Kept once here so
 * the kinds differ only in what they really do differently.
 *
 * @param <O> the kind's options
 */
public abstract sealed class FittedClassifier<O extends FittedClassifier.Preparation> implements Classifier
        permits LinearModel, Mlp, RbfSvm {

    /** The options every kind has: how the training rows are weighted and whether they are standardised. */
    public interface Preparation {
        /** Classes weighted by n / (2 n_class) ({@code class_weight='balanced'}). */
        boolean balanced();

        /** Inputs standardised with the training rows' mean and deviation. */
        boolean standardize();
    }

    private final ClassifierKind<?> kind;
    final Standardizer standardizer;
    final O options;
    final double trainingSeconds;

    FittedClassifier(ClassifierKind<?> kind, Standardizer standardizer, O options, double trainingSeconds) {
        this.kind = kind;
        this.standardizer = standardizer;
        this.options = options;
        this.trainingSeconds = trainingSeconds;
    }

    /** {@link Preparation}'s two options under the model file's keys, for {@link #hyperparameters()}. */
    final void putPreparation(Map<String, Object> hyperparameters) {
        hyperparameters.put("class_weight", options.balanced() ? "balanced" : "none");
        hyperparameters.put("standardize", options.standardize());
    }

    @Override
    public final ClassifierKind<?> kind() {
        return kind;
    }

    @Override
    public final int dimension() {
        return standardizer.dimension();
    }

    @Override
    public final double trainingSeconds() {
        return trainingSeconds;
    }

    @Override
    public final Standardizer standardizer() {
        return standardizer;
    }

    public final O options() {
        return options;
    }
}
