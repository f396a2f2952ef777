package org.greenspoof.classify;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The registry of classifier kinds: {@code train --kind}, {@code sweep --kinds}, the grid options
 * and the model-file reader all know the kinds from {@link #ALL} and nothing else.
 */
public final class ClassifierKinds {

    /** Every kind, in the order help texts list them. */
    public static final List<ClassifierKind<?>> ALL = List.of(LogisticRegression.KIND, LinearSvm.KIND, RbfSvm.KIND, Mlp.KIND);

    private ClassifierKinds() {
    }

    /** The command-line names, comma-separated. */
    public static String names() {
        return ALL.stream().map(ClassifierKind::cliName).collect(Collectors.joining(", "));
    }

    /**
     * The kind called {@code name} on the command line.
     *
     * @throws IllegalArgumentException naming the valid kinds
     */
    public static ClassifierKind<?> byCliName(String name) {
        for (ClassifierKind<?> k : ALL) {
            if (k.cliName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown classifier kind '" + name + "'; expected one of " + names());
    }

    /** The kind a model file names, or null when no kind writes that name. */
    static ClassifierKind<?> byFileName(String name) {
        for (ClassifierKind<?> k : ALL) {
            if (k.fileName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Checks that every axis in {@code given} belongs to at least one of {@code kinds} and holds
     * whole numbers where the axis asks for them.
     *
     * @throws IllegalArgumentException naming the axis and the axes the kinds have
     */
    public static void checkAxes(Collection<ClassifierKind<?>> kinds, Map<String, double[]> given) {
        for (Map.Entry<String, double[]> e : given.entrySet()) {
            List<ClassifierKind.Axis> matching = kinds.stream().flatMap(k -> k.axes().stream())
                    .filter(a -> a.name().equals(e.getKey())).toList();
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("grid axis '" + e.getKey() + "' belongs to none of the kinds "
                        + kinds.stream().map(ClassifierKind::cliName).collect(Collectors.joining(", ")) + "; their axes: "
                        + kinds.stream().flatMap(k -> k.axes().stream()).map(ClassifierKind.Axis::name).distinct()
                        .collect(Collectors.joining(", ")));
            }
            if (e.getValue().length == 0) {
                throw new IllegalArgumentException("grid axis '" + e.getKey() + "' has no values");
            }
            for (double v : e.getValue()) {
                if (!Double.isFinite(v) || matching.get(0).integral() && v != Math.rint(v)) {
                    throw new IllegalArgumentException("grid axis '" + e.getKey() + "': " + v + " is not "
                            + (matching.get(0).integral() ? "a whole number" : "a finite number"));
                }
            }
        }
    }

    /** The grid of {@code kind}: the values given for its axes (others ignored), its defaults elsewhere. */
    public static List<GridSearch.Candidate> grid(ClassifierKind<?> kind, Map<String, double[]> given, long seed) {
        Map<String, double[]> values = new LinkedHashMap<>();
        for (ClassifierKind.Axis a : kind.axes()) {
            values.put(a.name(), Arrays.stream(given.getOrDefault(a.name(), a.defaults())).sorted().distinct().toArray());
        }
        return kind.candidates(values, seed);
    }

    /** Each kind's name and what it is, then its grid axes with their defaults, one per line (for help texts). */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (ClassifierKind<?> k : ALL) {
            sb.append(String.format("  %-8s %s%n", k.cliName(), k.title()));
            for (ClassifierKind.Axis a : k.axes()) {
                sb.append(String.format("             %s=%s: %s%n", a.name(), Arrays.stream(a.defaults())
                        .mapToObj(v -> a.integral() ? Long.toString((long) v) : Double.toString(v))
                        .collect(Collectors.joining(",")), a.meaning()));
            }
        }
        return sb.toString();
    }
}
