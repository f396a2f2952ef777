package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.greenspoof.audio.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code greenspoof info} against metaflac's MD5 and on the bad inputs of the issue. */
class InfoCommandTest {
    private static final Path SAMPLE = Path.of("src/test/resources/audio/sample.flac");

    @TempDir
    Path dir;
    private Path wav;
    private Path flacOfWav;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = new CommandLine(new GreenspoofCli()).setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void files() throws Exception {
        Tools.assumeInstalled("sox");
        Tools.assumeInstalled("flac");
        Tools.assumeInstalled("metaflac");
        wav = dir.resolve("tone 44k.wav"); // a space: paths are printed as given
        flacOfWav = dir.resolve("tone.flac");
        Tools.run("sox", "-R", "-n", "-r", "44100", "-c", "2", "-b", "16", wav.toString(), "synth", "0.5", "pinknoise",
                "vol", "0.5");
        Tools.run("flac", "-s", "-f", "-o", flacOfWav.toString(), wav.toString());
    }

    private static String metaflacMd5(Path flac) throws Exception {
        return Tools.run("metaflac", "--show-md5sum", flac.toString()).trim();
    }

    @Test
    void linePerFileWithMetaflacMd5() throws Exception {
        Result r = run("info", SAMPLE.toString(), wav.toString(), flacOfWav.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertEquals(SAMPLE + ": flac, 16000 Hz, 1 ch, 16-bit, 1.500 s, 24000 frames, md5 " + metaflacMd5(SAMPLE), lines[0]);
        String md5 = metaflacMd5(flacOfWav);
        assertEquals(wav + ": wav, 44100 Hz, 2 ch, 16-bit, 0.500 s, 22050 frames, md5 " + md5, lines[1]);
        assertEquals(flacOfWav + ": flac, 44100 Hz, 2 ch, 16-bit, 0.500 s, 22050 frames, md5 " + md5, lines[2]);
    }

    @Test
    void json() throws Exception {
        Result r = run("info", "--json", SAMPLE.toString(), wav.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertEquals(2, array.size());
        for (JsonNode o : array) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(List.of("path", "format", "sample_rate", "channels", "bits_per_sample", "frames", "seconds", "md5"),
                    keys);
        }
        JsonNode s = array.get(0), w = array.get(1);
        assertEquals(SAMPLE.toString(), s.get("path").asText());
        assertEquals("flac", s.get("format").asText());
        assertEquals(16000, s.get("sample_rate").asInt());
        assertEquals(1, s.get("channels").asInt());
        assertEquals(16, s.get("bits_per_sample").asInt());
        assertEquals(24000, s.get("frames").asLong());
        assertEquals(1.5, s.get("seconds").asDouble(), 0);
        assertEquals(metaflacMd5(SAMPLE), s.get("md5").asText());
        assertEquals("wav", w.get("format").asText());
        assertEquals(metaflacMd5(flacOfWav), w.get("md5").asText());
    }

    /** The issue's bad inputs, mixed with good files: each gets one stderr line, the rest still print. */
    @Test
    void badFilesAreReportedAndSkipped() throws Exception {
        byte[] good = Files.readAllBytes(wav);
        Path claim = dir.resolve("claims-4GB.wav");
        byte[] kb = Arrays.copyOf(good, 1024);
        ByteBuffer.wrap(kb).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0xFFFFFF00); // data size of the 44-byte header
        Files.write(claim, kb);
        Path truncated = dir.resolve("truncated.wav");
        Files.write(truncated, Arrays.copyOf(good, 30));
        Path magic = dir.resolve("wrong-magic.wav");
        byte[] m = good.clone();
        m[0] = 'X';
        Files.write(magic, m);
        Path alaw = dir.resolve("alaw.wav");
        Tools.run("sox", "-n", "-r", "8000", "-e", "a-law", alaw.toString(), "synth", "0.1", "sine", "440");
        Path mp3 = dir.resolve("song.mp3");
        Files.write(mp3, new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0});
        Path missing = dir.resolve("missing.flac");
        List<Path> bad = List.of(claim, truncated, magic, alaw, mp3, missing);

        List<String> args = new ArrayList<>(List.of("info", SAMPLE.toString()));
        bad.forEach(p -> args.add(p.toString()));
        args.add(wav.toString());
        for (boolean json : new boolean[] {false, true}) {
            if (json) {
                args.add(1, "--json");
            }
            Result r = run(args.toArray(String[]::new));
            assertEquals(ExitCode.SKIPPED, r.code());
            String[] errors = r.err().split("\n");
            assertEquals(bad.size(), errors.length, r.err());
            for (int i = 0; i < bad.size(); i++) {
                assertTrue(errors[i].startsWith("greenspoof info: " + bad.get(i) + ": "), errors[i]);
                if (bad.get(i) != missing) {
                    assertTrue(errors[i].contains(": at byte ") && errors[i].contains("expected"), errors[i]);
                }
            }
            if (json) {
                // Every file has an entry; the unreadable ones are {path, error}, in order.
                JsonNode arr = new ObjectMapper().readTree(r.out());
                assertEquals(2 + bad.size(), arr.size(), r.out());
                for (int i = 0; i < bad.size(); i++) {
                    assertEquals(bad.get(i).toString(), arr.get(i + 1).get("path").asText());
                    assertTrue(arr.get(i + 1).has("error") && !arr.get(i + 1).has("md5"), arr.get(i + 1).toString());
                }
            } else {
                assertEquals(2, r.out().split("\n").length, r.out());
            }
        }
        Result r = run("info", claim.toString());
        assertTrue(r.err().contains("at byte 40") && r.err().contains("4294967040"), r.err());
        assertTrue(run("info", alaw.toString()).err().contains("A-law"));
        assertTrue(run("info", mp3.toString()).err().contains("MP3"));
    }

    @Test
    void throughTheProcessEntryPoint() {
        assertEquals(ExitCode.SKIPPED, GreenspoofCli.run("info", dir.resolve("nothing-here.wav").toString()));
        assertEquals(2, GreenspoofCli.run("info"), "a FILE is required");
    }
}
