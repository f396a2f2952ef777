package org.greenspoof.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.greenspoof.frontend.Lfcc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** LFCC + deltas + mean/std pooling of a 3.5 s utterance (the ASVspoof 2019 LA average length), one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LfccBench {

    private final Lfcc lfcc = new Lfcc();
    private float[] audio;

    @Setup
    public void setup() {
        Random r = new Random(1);
        audio = new float[56000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * r.nextGaussian() + 0.3 * Math.sin(i * 0.05));
        }
    }

    @Benchmark
    public float[] pooled() {
        return lfcc.pooled(audio, true);
    }
}
