package org.greenspoof.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process with stdout and stderr captured. */
record Capture(int code, String out, String err) {

    static synchronized Capture run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = GreenspoofCli.run(args);
            return new Capture(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
