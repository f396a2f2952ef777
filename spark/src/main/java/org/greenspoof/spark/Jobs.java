package org.greenspoof.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** The {@code spark-submit} entry points' common part: picocli, and one line for errors the input caused. */
final class Jobs {
    private Jobs() {
    }

    /** Exit codes as the CLI's: 0 done, 1 error, 2 usage, 3 done with files skipped, 70 a bug. */
    static int execute(Object command, String... args) {
        return new CommandLine(command).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            ex.printStackTrace(cmd.getErr());
            return 70;
        }).execute(args);
    }
}
