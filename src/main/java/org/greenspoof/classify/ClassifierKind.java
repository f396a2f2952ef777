package org.greenspoof.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Everything greenspoof knows about one kind of classifier, in one place: its command-line name, the
 * name written to model files, the axes of its selection grid with their default values, how to
 * build the grid's candidates, and its model-file codec (the {@code weights} object and the
 * {@code hyperparameters} it reads back). {@link ClassifierKinds} lists every kind.
 *
 * @param <C> the classifier class it makes
 */
public abstract class ClassifierKind<C extends Classifier> {

    /**
     * One hyper-parameter a grid varies.
     *
     * @param name     name in {@code --grid NAME=...}, in candidate descriptions and in the hyper-parameters
     * @param meaning  what the values mean, for help texts
     * @param defaults values tried when the user gives none
     * @param integral whether the values must be whole numbers
     */
    public record Axis(String name, String meaning, double[] defaults, boolean integral) {
    }

    private final String cliName;
    private final String fileName;
    private final String title;
    private final Class<C> type;

    protected ClassifierKind(String cliName, String fileName, String title, Class<C> type) {
        this.cliName = cliName;
        this.fileName = fileName;
        this.title = title;
        this.type = type;
    }

    /** Name on the command line ({@code --kind lr}). */
    public final String cliName() {
        return cliName;
    }

    /** Name in the model file's {@code classifier} field; never changes once files exist. */
    public final String fileName() {
        return fileName;
    }

    /** What it is, in words. */
    public final String title() {
        return title;
    }

    /** The axes of its grid, in the order candidates vary them (the last fastest). */
    public abstract List<Axis> axes();

    /**
     * The grid's candidates: one per combination of {@code values} (one sorted, duplicate-free array
     * per axis name, every axis present).
     *
     * @param seed seed for kinds that draw random numbers
     */
    public abstract List<GridSearch.Candidate> candidates(Map<String, double[]> values, long seed);

    /** Writes the trained parameters into the model file's {@code weights} object. */
    abstract void writeWeights(C classifier, ObjectNode weights);

    /**
     * Reads a classifier of this kind back from a model file, given its {@code hyperparameters}
     * and {@code weights} objects (which {@link ClassifierFile} has checked are objects).
     */
    abstract C read(ModelFields file, JsonNode hp, JsonNode weights) throws IOException;

    final void write(Classifier classifier, ObjectNode weights) {
        writeWeights(type.cast(classifier), weights);
    }

    @Override
    public final String toString() {
        return cliName;
    }
}
