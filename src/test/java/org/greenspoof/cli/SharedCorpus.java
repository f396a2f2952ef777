package org.greenspoof.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.greenspoof.demo.SyntheticCorpus;

/** One synthetic ASVspoof-layout corpus per test JVM, shared read-only by the CLI tests (writing one takes seconds). */
final class SharedCorpus {
    private static Path root;

    private SharedCorpus() {
    }

    static synchronized Path get() {
        if (root == null) {
            try {
                Path dir = Files.createTempDirectory("greenspoof-test-corpus");
                SyntheticCorpus.write(dir, 11);
                deleteOnExit(dir);
                root = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** Removes a test folder tree when the test JVM exits. */
    static void deleteOnExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the OS cleans its temp folder
        }
    }
}
