package org.greenspoof.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code greenspoof} command: one subcommand per job. */
@Command(name = "greenspoof",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Audio deepfake detection with frozen self-supervised speech encoders, in pure Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class,
                VersionCommand.class,
                InfoCommand.class,
                EvalCommand.class,
                InspectCommand.class,
                ConvertCommand.class,
                BenchCommand.class,
                HiddenStatesCommand.class,
                EmbedCommand.class,
                StoreCommand.class,
                SweepCommand.class,
                TrainCommand.class,
                ScoreCommand.class,
                DetectCommand.class,
                ServeCommand.class,
                DemoCommand.class,
        })
public final class GreenspoofCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        StandardStreams.install();
        System.exit(run(args));
    }

    /**
     * Runs the CLI and returns its exit code (used by tests, which must not exit the JVM). A command
     * whose stdout could not be written (a full disk, {@code /dev/full}) fails with
     * {@link ExitCode#ERROR}, whatever it returned: its output is incomplete.
     */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cl = new CommandLine(new GreenspoofCli()).setExecutionExceptionHandler(new ErrorHandler());
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println("greenspoof " + commandName(cl) + ": " + OutOfMemory.advice());
            code = ExitCode.ERROR;
        }
        cl.getOut().flush();
        String failure = StandardStreams.stdoutFailure();
        if (failure != null) {
            cl.getErr().println("greenspoof " + commandName(cl) + ": cannot write the output to standard output ("
                    + failure + "); what was printed is incomplete");
            code = ExitCode.ERROR;
        }
        cl.getErr().flush();
        return code;
    }

    /** The subcommand that ran ("greenspoof" itself when none was parsed). */
    private static String commandName(CommandLine cl) {
        CommandLine.ParseResult pr = cl.getParseResult();
        String name = cl.getCommandName();
        while (pr != null) {
            name = pr.commandSpec().name();
            pr = pr.subcommand();
        }
        return name;
    }
}
