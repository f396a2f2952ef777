package org.greenspoof.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.kernels.Kernels;
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

/** The dot-product primitive, vector against scalar, at the encoder's inner dimensions. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelsBench {

    @Param({"768", "3072"})
    int n;

    @Param({"scalar", "vector"})
    String impl;

    private Kernels kernels;
    private float[] a;
    private float[] b;

    @Setup
    public void setup() {
        kernels = impl.equals("scalar") ? KernelProvider.scalar() : KernelProvider.vectorOrNull();
        Random r = new Random(1);
        a = new float[n];
        b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    public float dot() {
        return kernels.dot(a, 0, b, 0, n);
    }
}
