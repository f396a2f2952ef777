package org.greenspoof.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;

/**
 * The process's stdout and stderr as the CLI needs them.
 * <ul>
 *   <li>stdout remembers why a write failed: {@link PrintStream} swallows the error and only sets a
 *       flag, and a full disk or {@code /dev/full} deserves its reason in the message;</li>
 *   <li>stderr is the file named by {@value #STDERR_PROPERTY} when the launcher passes one: the JVM
 *       prints an unavoidable incubator-module warning on its own stderr before any Java code runs,
 *       so {@code tools/greenspoof} filters that descriptor and hands the user's terminal over as
 *       {@code /dev/fd/3}, which then receives everything the program writes, unfiltered and live.</li>
 * </ul>
 */
final class StandardStreams {
    private StandardStreams() {
    }

    /** System property naming the file the program's stderr goes to (set by tools/greenspoof). */
    static final String STDERR_PROPERTY = "greenspoof.stderr";

    private static volatile IOException stdoutFailure;

    /** Replaces System.out (and System.err, when the launcher asks) before anything is printed. */
    static void install() {
        String encoding = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding",
                Charset.defaultCharset().name()));
        System.setOut(print(new Recording(new FileOutputStream(FileDescriptor.out)), encoding));
        String err = System.getProperty(STDERR_PROPERTY);
        if (err != null && !err.isEmpty()) {
            try {
                // Append: never truncate what the shell opened for the user.
                System.setErr(print(new FileOutputStream(err, true), encoding));
            } catch (IOException e) {
                System.err.println("greenspoof: -D" + STDERR_PROPERTY + "=" + err + " cannot be opened (" + e.getMessage()
                        + "); writing to the JVM's stderr");
            }
        }
    }

    private static PrintStream print(OutputStream out, String encoding) {
        try {
            return new PrintStream(out, true, encoding);
        } catch (UnsupportedEncodingException e) {
            return new PrintStream(out, true);
        }
    }

    /**
     * Why stdout could not be written, or null when every write so far succeeded. Flushes first, so
     * that nothing still buffered escapes the check.
     */
    static String stdoutFailure() {
        System.out.flush();
        if (!System.out.checkError()) {
            return null;
        }
        IOException e = stdoutFailure;
        return e != null && e.getMessage() != null ? e.getMessage() : "the write failed";
    }

    /** Passes writes through and keeps the first failure's exception. */
    private static final class Recording extends FilterOutputStream {
        Recording(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        private static void remember(IOException e) {
            if (stdoutFailure == null) {
                stdoutFailure = e;
            }
        }
    }
}
