package org.greenspoof.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's single-core fp32 FMA peak: 12 independent FMA chains on the preferred vector
 * species (enough to hide the FMA latency on both FMA pipes), no memory traffic in the loop.
 * The score is in operations per microsecond where one operation is one flop, i.e. the score
 * divided by 1000 is GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBench {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ITERS = 1 << 16;
    private static final int CHAINS = 12;

    private final float[] seed = {1.0f, 0.999999f, 1e-7f};

    @Benchmark
    @OperationsPerInvocation(1)
    public float fmaPeak(FlopCounter counter) {
        FloatVector m = FloatVector.broadcast(S, seed[1]);
        FloatVector a = FloatVector.broadcast(S, seed[2]);
        FloatVector c0 = FloatVector.broadcast(S, seed[0]), c1 = c0.add(a), c2 = c1.add(a), c3 = c2.add(a);
        FloatVector c4 = c3.add(a), c5 = c4.add(a), c6 = c5.add(a), c7 = c6.add(a);
        FloatVector c8 = c7.add(a), c9 = c8.add(a), c10 = c9.add(a), c11 = c10.add(a);
        for (int i = 0; i < ITERS; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        counter.flops += 2L * CHAINS * S.length() * ITERS;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
