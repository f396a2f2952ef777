package org.greenspoof.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The allowed outcomes of a fuzz target: the reader returns, or throws one of the exception types
 * the target declares with a one-line message that names the file. Anything else (another
 * exception, a multi-line or nameless message, an Error such as OutOfMemoryError) escapes as a
 * finding.
 */
public final class Outcomes {
    private Outcomes() {
    }

    /** A reader call on a fuzzed file. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /** Runs {@code read}; an exception of an {@code allowed} type naming {@code file} on one line is an accepted refusal. */
    @SafeVarargs
    public static void only(Path file, Read read, Class<? extends Exception>... allowed) throws Exception {
        try {
            read.run();
        } catch (Exception e) {
            boolean declared = Arrays.stream(allowed).anyMatch(c -> c.isInstance(e));
            String m = e.getMessage();
            if (!declared || m == null || !m.contains(file.toString()) || m.contains("\n")) {
                throw new AssertionError("not an allowed outcome (" + Arrays.toString(allowed.length == 0 ? new Object[0]
                        : Arrays.stream(allowed).map(Class::getSimpleName).toArray()) + " naming " + file + " on one line): "
                        + e, e);
            }
        }
    }

    /**
     * A folder for one fuzzing JVM's files, deleted at exit. Targets overwrite their files in it on
     * every execution, so it stays small.
     */
    public static Path scratch(String name) {
        try {
            Path dir = Files.createTempDirectory("greenspoof-fuzz-" + name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code dir/name}, replacing what an earlier execution left. */
    public static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
