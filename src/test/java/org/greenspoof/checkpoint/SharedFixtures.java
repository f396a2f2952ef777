package org.greenspoof.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The optional shared reference fixtures; tests that use them skip when they are absent. */
final class SharedFixtures {
    private SharedFixtures() {
    }

    static Path reference() {
        String shared = System.getProperty("greenspoof.shared");
        Path ref = shared == null ? null : Path.of(shared, "reference");
        Assumptions.assumeTrue(ref != null && Files.isDirectory(ref), "shared reference fixtures not present");
        return ref;
    }

    static Path referenceSet(String name) {
        Path p = reference().resolve(name);
        Assumptions.assumeTrue(Files.exists(p.resolve("model.safetensors")), name + " not present");
        return p;
    }
}
