package org.greenspoof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --encoder DIR} of the commands that run an encoder and nothing else (bench, hidden-states). */
final class EncoderOption {
    @Option(names = "--encoder", paramLabel = "DIR", description = "Encoder checkpoint folder: config.json, "
            + "preprocessor_config.json, model.safetensors (required).")
    Path dir;

    @Mixin
    OldModelOption oldSpelling;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The folder, or picocli's usage error when neither spelling gave it (checked here, not by
     * {@code required = true}, which would refuse a folder given as {@code --model}).
     */
    Path required() {
        if (dir == null) {
            throw new ParameterException(mixee.commandLine(), "Missing required option: '--encoder=DIR'");
        }
        return dir;
    }
}
