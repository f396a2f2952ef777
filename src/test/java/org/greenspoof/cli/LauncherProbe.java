package org.greenspoof.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for greenspoof behind tools/greenspoof in {@link LauncherTest}: sets up the streams as
 * {@link GreenspoofCli#main} does, draws a bar the way {@code Progress} does on a terminal (a
 * carriage return, no newline), writes a line of binary-looking bytes, then waits for a line on
 * stdin before it writes to stdout and exits.
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    static final String BAR = "probe [####......] 3/8";
    /** Bytes a line-oriented text filter may refuse or rewrite: a control byte and invalid UTF-8. */
    static final byte[] ODD = {'o', 'd', 'd', ':', ' ', 0x01, (byte) 0xfe, (byte) 0xff, ' ', 'e', 'n', 'd', '\n'};

    public static void main(String[] args) throws IOException {
        StandardStreams.install();
        System.err.print("\r" + BAR);
        System.err.flush();
        System.err.write(ODD);
        System.err.flush();
        String go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.out.println("probe done " + go + " terminal=" + System.getProperty("greenspoof.stderr.terminal"));
    }
}
