package org.greenspoof.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.model.SpeechEncoder;
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
 * One encoder forward pass up to hidden state {@code maxLayer} (-1: all layers) over
 * {@code seconds} of audio on {@code threads} threads. For GFLOP/s divide the analytic count
 * ({@code SpeechEncoder.gflop}, which {@code greenspoof bench} prints as "gflop") by the time per run. Run from the repository
 * root; for the real-size figure point {@code model} at the full-size check model:
 * {@code bench/run EncoderBench -p model=/tmp/w2v2-full/w2v2-base-full} (made by
 * {@code tools/make_encoder_fixtures.py --full-size /tmp/w2v2-full}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class EncoderBench {

    @Param({"src/test/resources/encoder/w2v2-base"})
    String model;

    @Param({"4"})
    int seconds;

    @Param({"scalar", "vector"})
    String impl;

    @Param({"1"})
    int threads;

    @Param({"-1"})
    int maxLayer;

    private int layers;

    private SpeechEncoder encoder;
    private float[] audio;

    @Setup
    public void setup() throws IOException {
        var kernels = impl.equals("scalar") ? KernelProvider.scalar() : KernelProvider.vectorOrNull();
        if (kernels == null) {
            throw new IllegalStateException("vector kernels unavailable: " + KernelProvider.reason());
        }
        encoder = SpeechEncoder.load(Path.of(model), kernels.withThreads(threads));
        layers = maxLayer < 0 ? encoder.numLayers() : maxLayer;
        Random r = new Random(1);
        audio = new float[seconds * 16000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * r.nextGaussian() + 0.2 * Math.sin(i * 0.05));
        }
    }

    @Benchmark
    public float[][][] hiddenStates() {
        return encoder.hiddenStates(audio, layers);
    }
}
