package org.greenspoof.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns the errors users cause (bad files, bad options, unwritable outputs) into one clear line on
 * stderr and {@link ExitCode#ERROR}; anything else is a bug and keeps its stack trace
 * ({@link ExitCode#BUG}).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException) {
            cmd.getErr().println("greenspoof " + cmd.getCommandName() + ": " + ex.getMessage());
            return ExitCode.ERROR;
        }
        ex.printStackTrace(cmd.getErr());
        return ExitCode.BUG;
    }
}
