package org.greenspoof.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns the errors users cause (bad files, bad options) into one clear line on stderr and exit
 * code 1; anything else is a bug and keeps its stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException) {
            cmd.getErr().println("greenspoof " + cmd.getCommandName() + ": " + ex.getMessage());
            return 1;
        }
        ex.printStackTrace(cmd.getErr());
        return 2;
    }
}
