package org.greenspoof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.audio.PcmAudio;
import org.greenspoof.report.FileProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Describes audio files as the decoders see them. The MD5 is FLAC's STREAMINFO digest of the
 * decoded samples, so for FLAC it equals {@code metaflac --show-md5sum} and for an integer WAV the
 * value flac would store when encoding it: equal MD5s mean equal audio, whatever the container.
 */
@Command(name = "info", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {
            "Print format, sample rate, channels, bit depth, duration, frames and the MD5 of the decoded samples "
                    + "(FLAC's STREAMINFO definition: equals `metaflac --show-md5sum`, also for WAV) of each FILE.",
            "A file that cannot be read gets one line on stderr (file, byte offset, what was expected); the others "
                    + "are still described and the exit code is 3."})
final class InfoCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "FLAC, WAV, MP3 or Ogg Vorbis files.")
    List<Path> files;

    @Option(names = "--json", description = "Print a JSON array of objects with keys path, format, sample_rate, "
            + "channels, bits_per_sample, frames, seconds, md5 instead of one line per file; a file that cannot be "
            + "read is an object {path, error}.")
    boolean json;

    @Mixin
    AudioLimitOptions audioLimits;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        int failed = 0;
        for (Path file : files) {
            PcmAudio a;
            try {
                a = AudioReader.read(file, audioLimits.limits());
            } catch (IOException e) {
                String error = FileProblem.describe(file, e);
                err.println("greenspoof info: " + file + ": " + error);
                array.addObject().put("path", file.toString()).put("error", error);
                err.flush();
                failed++;
                continue;
            }
            String md5 = HexFormat.of().formatHex(a.md5());
            if (json) {
                ObjectNode o = array.addObject();
                o.put("path", file.toString());
                o.put("format", a.format());
                o.put("sample_rate", a.sampleRate());
                o.put("channels", a.channels());
                o.put("bits_per_sample", a.bitsPerSample());
                o.put("frames", a.frames());
                o.put("seconds", a.seconds());
                o.put("md5", md5);
            } else {
                out.printf(Locale.ROOT, "%s: %s, %d Hz, %d ch, %d-bit%s, %.3f s, %d frames, md5 %s%n", file, a.format(),
                        a.sampleRate(), a.channels(), a.bitsPerSample(), a.isFloat() ? " float" : "", a.seconds(),
                        a.frames(), md5);
                out.flush();
            }
        }
        if (json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            out.flush();
        }
        return failed == 0 ? ExitCode.OK : ExitCode.SKIPPED;
    }
}
