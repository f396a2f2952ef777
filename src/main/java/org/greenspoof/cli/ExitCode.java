package org.greenspoof.cli;

/**
 * The exit codes of every command, as the README's table lists them (a test keeps the two in step).
 * Scripts can tell "done", "done but some files were skipped", "refused" and "interrupted" apart.
 */
final class ExitCode {
    private ExitCode() {
    }

    /** Everything asked for was done. */
    static final int OK = 0;
    /** Bad input, an output that cannot be written, or a run stopped by an error: nothing to rely on. */
    static final int ERROR = 1;
    /** The command line itself is wrong (unknown option, missing value): picocli's convention, kept. */
    static final int USAGE = 2;
    /** The command finished, but some input files could not be read and were skipped (and listed). */
    static final int SKIPPED = 3;
    /** A bug: an unexpected exception, printed with its stack trace (BSD sysexits' EX_SOFTWARE). */
    static final int BUG = 70;
    /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report a process killed by that signal. */
    static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM: 128 + 15. */
    static final int TERMINATED = 143;
}
