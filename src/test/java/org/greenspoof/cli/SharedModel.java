package org.greenspoof.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One LFCC store of the shared corpus's train partition and a classifier trained on it, per test JVM. */
final class SharedModel {
    private static Path dir;

    private SharedModel() {
    }

    /** The folder holding {@code train/} (the store) and {@code model.json}. */
    static synchronized Path get() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("greenspoof-test-model");
                SharedCorpus.deleteOnExit(d);
                Capture.run("embed", "--dataset", SharedCorpus.get().toString(), "--partition", "train", "--out",
                        d.resolve("train").toString(), "--no-progress").expect(0);
                Capture.run("train", "--train", d.resolve("train").toString(), "--c", "1", "--out",
                        d.resolve("model.json").toString(), "--no-progress").expect(0);
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static Path model() {
        return get().resolve("model.json");
    }
}
