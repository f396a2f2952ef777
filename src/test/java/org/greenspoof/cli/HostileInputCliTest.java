package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on the hostile inputs of issue 15, end to end: each gives exit code 1 and one line
 * naming the file, quickly, and the other inputs of the run are still handled.
 */
class HostileInputCliTest {
    private static final Path SAMPLE = Path.of("src/test/resources/audio/sample.flac");
    private static final Path W2V2 = Path.of("src/test/resources/encoder/w2v2-base");
    /** Each case is refused from its header or first lines: seconds, not the minutes they once took. */
    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    /** Runs the command, expects exit 1 and exactly one stderr line that names {@code file} and says {@code what}. */
    static Capture refused(Path file, String what, String... args) {
        Capture c = assertTimeoutPreemptively(QUICK, () -> Capture.run(args));
        c.expect(1);
        assertEquals(1, c.err().lines().filter(l -> !l.startsWith("WARNING")).count(), c.err());
        assertTrue(c.err().startsWith("greenspoof " + args[0] + ": ") && c.err().contains(file.toString())
                && c.err().contains(what), c.err());
        return c;
    }

    /** #1: info on an RF64 whose ds64 size is near 2^63 names it and still describes the next file. */
    @Test
    void infoDescribesTheOtherFilesAfterAHugeRf64Size() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + 36 + 24 + 8 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RF64")).putInt(-1).put(ascii("WAVE"));
        b.put(ascii("ds64")).putInt(28).putLong(b.capacity() - 8).putLong(0x7FFF_FFFF_FFFF_FFF0L).putLong(0).putInt(0);
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(-1);
        Path rf64 = tmp.resolve("a.wav");
        Files.write(rf64, b.array());
        Capture c = refused(rf64, "expected a data chunk of at most 64 bytes", "info", rf64.toString(), SAMPLE.toString());
        assertTrue(c.out().startsWith(SAMPLE + ": flac, 16000 Hz"), c.out());
    }

    /** #12: inspect on a config.json with 2^31 - 4096 layers is refused before any shape is built. */
    @Test
    void inspectRefusesAnAbsurdLayerCount() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.copy(W2V2.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String config = Files.readString(W2V2.resolve("config.json"))
                .replaceFirst("\"num_hidden_layers\"\\s*:\\s*\\d+", "\"num_hidden_layers\": 2147479552");
        Files.writeString(dir.resolve("config.json"), config);
        refused(dir.resolve("config.json"), "num_hidden_layers: expected 1 to 256, found 2147479552", "inspect",
                dir.toString());
    }

    /** #10 and #11: embed on a list that is not UTF-8, or lists a path with a NUL byte, names the file and line. */
    @Test
    void embedNamesTheLineOfANonUtf8ListAndOfANulPath() throws IOException {
        Files.copy(SAMPLE, tmp.resolve("x.flac"));
        Path latin1 = tmp.resolve("latin1.csv");
        Files.write(latin1, "path,label\nx.flac,bonafide\nacc\u00e9s.flac,spoof\n".getBytes(StandardCharsets.ISO_8859_1));
        Path nul = tmp.resolve("nul.csv");
        Files.writeString(nul, "path,label\nx.flac,bonafide\ny\u0000.flac,spoof\n");
        for (Path csv : new Path[] {latin1, nul}) {
            Path out = tmp.resolve("store-" + csv.getFileName());
            refused(csv, csv + ":3: expected ", "embed", "--frontend", "lfcc", "--dataset", csv.toString(),
                    "--partition", "eval", "--out", out.toString(), "--no-progress");
            assertTrue(Files.notExists(out), "nothing written");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
