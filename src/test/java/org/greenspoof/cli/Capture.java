package org.greenspoof.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process with stdout and stderr captured. */
record Capture(int code, String out, String err) {

    static Capture run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return run(out, out, args);
    }

    /** Runs with a stdout whose every write fails as on a full disk ({@code out()} is then empty). */
    static Capture runWithFullStdout(String... args) {
        return run(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        }, new ByteArrayOutputStream(), args);
    }

    private static synchronized Capture run(OutputStream stdout, ByteArrayOutputStream captured, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = GreenspoofCli.run(args);
            return new Capture(code, captured.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    Capture expect(int expected) {
        if (code != expected) {
            throw new AssertionError("exit " + code + ", expected " + expected + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }
}
