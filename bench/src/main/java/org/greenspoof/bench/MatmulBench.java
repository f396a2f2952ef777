package org.greenspoof.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;
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
 * {@code Kernels.linear} at the encoder's shapes, as m x k x n (y[m][n] = x[m][k] W[n][k]^T + b):
 * the transformer's projections (T frames x 768 -> 768, 768 -> 3072, 3072 -> 768) and the
 * feature extractor's conv layers as im2col products (frames x 512*kernel -> 512). The aux
 * counter "flops" in ops/us divided by 1000 is GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBench {

    @Param({"49x768x768", "200x768x768", "500x768x768", "49x768x3072", "200x768x3072", "500x768x3072",
            "49x3072x768", "200x3072x768", "500x3072x768",
            "1599x1536x512", "799x1536x512", "399x1536x512", "199x1536x512", "99x1024x512", "49x1024x512"})
    String shape;

    @Param({"vector"})
    String impl;

    @Param({"1"})
    int threads;

    private Kernels kernels;
    private float[] x;
    private float[] bias;
    private float[] y;
    private PackedMatrix w;
    private int m;
    private long flops;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        int k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        Kernels base = impl.equals("scalar") ? KernelProvider.scalar() : KernelProvider.vectorOrNull();
        kernels = base.withThreads(threads);
        Random r = new Random(1);
        x = gaussian(r, m * k);
        bias = gaussian(r, n);
        y = new float[m * n];
        w = kernels.pack(gaussian(r, n * k), n, k);
        flops = 2L * m * n * k;
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public float[] linear(FlopCounter counter) {
        kernels.linear(x, 0, m, w, bias, y, 0);
        counter.flops += flops;
        return y;
    }
}
