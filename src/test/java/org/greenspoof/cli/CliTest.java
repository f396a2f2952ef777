package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

    /** Every subcommand must document itself, defaults included, as the README promises. */
    @Test
    void everySubcommandHasHelp() {
        CommandLine root = new CommandLine(new GreenspoofCli());
        assertTrue(root.getSubcommands().size() >= 2);
        for (var e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            CommandLine fresh = new CommandLine(new GreenspoofCli());
            fresh.setOut(new PrintWriter(out));
            int code = fresh.execute(e.getKey(), "--help");
            assertEquals(0, code, e.getKey());
            assertTrue(out.toString().contains("Usage:"), e.getKey() + " prints usage");
        }
    }

    /** A usage error is 2 (picocli's convention, documented in the README's exit-code table), not 1. */
    @Test
    void unknownOptionFails() {
        assertEquals(ExitCode.USAGE, GreenspoofCli.run("--no-such-option"));
        assertEquals(ExitCode.USAGE, GreenspoofCli.run("bench"), "--encoder is required");
    }

    @Test
    void bashCompletionComesFromPicocli() {
        Capture c = Capture.run("generate-completion").expect(ExitCode.OK);
        assertTrue(c.out().contains("complete -F _complete_greenspoof") && c.out().contains("--encoder"), c.out());
    }

    /** The README's exit-code table lists every code ExitCode defines, with the same number. */
    @Test
    void theReadmeDocumentsEveryExitCode() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (var f : ExitCode.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                f.setAccessible(true);
                assertTrue(readme.contains("| " + f.getInt(null) + " | "), "README exit code " + f.getName());
            }
        }
    }
}
