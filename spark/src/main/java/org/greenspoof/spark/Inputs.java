package org.greenspoof.spark;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;

/** What a job reads: a dataset in any layout {@code greenspoof embed} reads, or a glob of audio files. */
public final class Inputs {
    /** The {@code datasetFormat} recorded for a glob of unlabelled files. */
    public static final String GLOB = "GLOB";

    private Inputs() {
    }

    /** The listing and how to name it in the provenance. */
    public record Listing(List<Input> inputs, String dataset, String format) {
    }

    /** A path with any of {@code * ? [ {} is a glob (Java's syntax, {@code **} crossing folders). */
    public static boolean isGlob(String dataset) {
        return dataset.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * Lists {@code dataset}: through the engine's own readers ({@link Datasets}) for a dataset, in protocol
     * order; for a glob, the matching regular files sorted by path, each with the id its file name gives
     * (without extension), no speaker, no attack and no key.
     */
    public static Listing list(String dataset, String partition) throws IOException {
        if (!isGlob(dataset)) {
            Path root = Path.of(dataset);
            Datasets.Format format = Datasets.detect(root);
            List<Utterance> all = Datasets.read(root, partition);
            List<Input> out = new ArrayList<>(all.size());
            for (Utterance u : all) {
                out.add(new Input(out.size(), u.id(), u.audio().toString(), u.speaker(), u.attack(), u.label().token()));
            }
            return new Listing(out, root.toAbsolutePath().normalize().toString(), format.name());
        }
        Path glob = Path.of(dataset).toAbsolutePath().normalize();
        Path base = glob;
        while (base.getParent() != null && isGlob(base.toString())) {
            base = base.getParent();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(p -> Files.isRegularFile(p) && matcher.matches(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the glob " + dataset + " matches no file (looked under " + base + ")");
        }
        List<Input> out = new ArrayList<>(files.size());
        for (Path p : files) {
            String name = p.getFileName().toString();
            int dot = name.lastIndexOf('.');
            out.add(new Input(out.size(), dot > 0 ? name.substring(0, dot) : name, p.toString(), Utterance.NONE,
                    Utterance.NONE, null));
        }
        return new Listing(out, glob.toString(), GLOB);
    }
}
