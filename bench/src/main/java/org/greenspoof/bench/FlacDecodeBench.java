package org.greenspoof.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.greenspoof.audio.PcmAudio;
import org.greenspoof.audio.flac.FlacDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding an ASVspoof-LA-like file (3 s, 16 kHz mono 16-bit, synthetic speech from
 * tools/make-sample-flac.sh, which needs sox and flac) on one thread. The real-time factor is
 * 3 s divided by the reported time per decode; the target is at least 300.
 * {@code file} includes reading the file and the MD5 check, {@code memory} starts from its bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FlacDecodeBench {

    static final String SECONDS = "3";

    /** flac compression level the file is encoded at: 5 is flac's default, 8 its strongest. */
    @Param({"5", "8"})
    String level;

    private Path dir;
    private Path file;
    private byte[] bytes;

    @Setup
    public void encode() throws IOException, InterruptedException, URISyntaxException {
        // bench/target/benchmarks.jar -> the repository's tools/ folder
        Path jar = Path.of(FlacDecodeBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path script = jar.getParent().getParent().getParent().resolve("tools/make-sample-flac.sh");
        dir = Files.createTempDirectory("flacbench");
        file = dir.resolve("la-like-" + level + ".flac");
        Process p = new ProcessBuilder(script.toString(), file.toString(), SECONDS, "-" + level).inheritIO().start();
        if (p.waitFor() != 0 || !Files.exists(file)) {
            throw new IllegalStateException(script + " failed (are sox and flac installed?)");
        }
        bytes = Files.readAllBytes(file);
        PcmAudio audio = FlacDecoder.decode(file);
        if (audio.frames() != 48000) {
            throw new IllegalStateException("expected 48000 samples, got " + audio.frames());
        }
    }

    @TearDown
    public void cleanUp() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public PcmAudio file() throws IOException {
        return FlacDecoder.decode(file);
    }

    @Benchmark
    public PcmAudio memory() throws IOException {
        return FlacDecoder.decode(bytes, file);
    }
}
