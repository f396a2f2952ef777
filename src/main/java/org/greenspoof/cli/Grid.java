package org.greenspoof.cli;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenspoof.classify.ClassifierKind;
import org.greenspoof.classify.ClassifierKinds;
import org.greenspoof.classify.GridSearch;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The classifier grid shared by train and sweep: each kind's own axes and defaults
 * ({@link ClassifierKinds}), overridden by {@code --grid AXIS=V1,V2} or the shorthands {@code --c}
 * and {@code --hidden}. Values are tried in ascending order, duplicates once.
 */
final class Grid {
    @Option(names = "--c", split = ",", paramLabel = "C", splitSynopsisLabel = ",",
            description = "Values to try on the grid axis C (sklearn's C) of every chosen kind that has one.")
    double[] cs;

    @Option(names = "--hidden", split = ",", paramLabel = "H", splitSynopsisLabel = ",",
            description = "Values to try on the grid axis hidden (hidden-layer sizes) of every chosen kind that has one.")
    int[] hidden;

    @Option(names = "--grid", paramLabel = "AXIS=V1,V2", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Values to try on one grid axis of the chosen kinds (repeatable); the kinds, their axes and "
                    + "defaults are listed below.")
    Map<String, String> axes = new LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "MLP seed (initialisation, batches, validation split).")
    long seed;

    @Option(names = "--refit", description = "Refit the chosen grid point on train + dev.")
    boolean refit;

    /** Lists the kinds and their grids under the command's help. */
    @Spec(Spec.Target.MIXEE)
    void listKinds(CommandSpec mixee) {
        mixee.usageMessage().footer("%nClassifier kinds (--kind) and their grid axes with the default values:%n"
                + ClassifierKinds.describe().replace("%", "%%").replace(System.lineSeparator(), "%n"));
    }

    /**
     * The axis values given on the command line, checked against the kinds that will use them.
     *
     * @throws IllegalArgumentException naming an axis none of {@code kinds} has, or a value that is not a number
     */
    Map<String, double[]> values(Collection<ClassifierKind<?>> kinds) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (cs != null) {
            out.put("C", cs);
        }
        if (hidden != null) {
            out.put("hidden", Arrays.stream(hidden).asDoubleStream().toArray());
        }
        for (Map.Entry<String, String> e : axes.entrySet()) {
            try {
                out.put(e.getKey(), Arrays.stream(e.getValue().split(",")).map(String::trim)
                        .mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--grid " + e.getKey() + "=" + e.getValue()
                        + ": expected numbers separated by commas");
            }
        }
        ClassifierKinds.checkAxes(kinds, out);
        return out;
    }

    /** The grid of one kind, the values given checked against it. */
    List<GridSearch.Candidate> candidates(ClassifierKind<?> kind) {
        return candidates(kind, values(List.of(kind)));
    }

    /** The grid of one kind from values already checked by {@link #values}. */
    List<GridSearch.Candidate> candidates(ClassifierKind<?> kind, Map<String, double[]> values) {
        return ClassifierKinds.grid(kind, values, seed);
    }

    /** The option that sets one axis. */
    static String option(String axis) {
        return switch (axis) {
            case "C" -> "--c";
            case "hidden" -> "--hidden";
            default -> "--grid " + axis + "=...";
        };
    }

    /** What to tell a user whose chosen grid point is at the end of the grid; names the options that widen it. */
    static String edgeNote(ClassifierKind<?> kind, List<String> axes, String command) {
        return "note: the chosen " + kind.cliName() + " point is at the end of the grid and beats its neighbour; "
                + "the best may lie beyond it (widen it: greenspoof " + command + " "
                + String.join(", ", axes.stream().map(Grid::option).toList()) + ")";
    }
}
