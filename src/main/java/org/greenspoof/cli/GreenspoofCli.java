package org.greenspoof.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code greenspoof} command: one subcommand per job. */
@Command(name = "greenspoof",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Audio deepfake detection with frozen self-supervised speech encoders, in pure Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                VersionCommand.class,
                InfoCommand.class,
                EvalCommand.class,
                InspectCommand.class,
                ConvertCommand.class,
                BenchCommand.class,
                HiddenStatesCommand.class,
                EmbedCommand.class,
                SweepCommand.class,
                TrainCommand.class,
                ScoreCommand.class,
                DetectCommand.class,
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
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not exit the JVM). */
    public static int run(String... args) {
        Logging.configure();
        return new CommandLine(new GreenspoofCli())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
    }
}
