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

    @Test
    void unknownOptionFails() {
        assertEquals(2, GreenspoofCli.run("--no-such-option"));
    }
}
