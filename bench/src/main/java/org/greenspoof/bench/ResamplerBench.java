package org.greenspoof.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.greenspoof.audio.Resampler;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resampling 3 s of audio to 16 kHz on one thread, from the rates corpora come in: 44.1 and 48 kHz
 * (In-the-Wild, web audio), 22.05 kHz (TTS vocoders), 8 kHz (telephony) and an odd rate whose
 * ratio needs the interpolated filter bank. Real-time factor = 3 s / the reported time; the first
 * call per ratio builds the filter bank, which the warm-up absorbs (it is cached per ratio).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ResamplerBench {

    static final int SECONDS = 3;

    @Param({"44100", "48000", "22050", "8000", "44101"})
    int fromRate;

    private float[] input;

    @Setup
    public void makeInput() {
        Random r = new Random(7);
        input = new float[SECONDS * fromRate];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / fromRate) + 0.05 * r.nextGaussian());
        }
    }

    @Benchmark
    public float[] to16k() {
        return Resampler.resample(input, fromRate, 16000);
    }
}
