package org.greenspoof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.ThreadPool;
import org.greenspoof.model.SpeechEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code greenspoof bench}: how fast the encoder runs here. For every (seconds, threads,
 * max layer) it times the embedding path ({@code pooled}: the forward up to that layer, mean-pooled,
 * as {@code greenspoof embed} runs it) on a fixed synthetic signal after warm-up and reports
 * the median, the real-time factor and the achieved GFLOP/s, where the work is counted
 * analytically from the config (see {@link SpeechEncoder#gflop}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {
            "Time the encoder forward pass up to HF hidden_states[K], mean-pooled as greenspoof embed runs it, on a "
                    + "synthetic 16 kHz signal and print, per "
                    + "input length, thread count and last layer, the median wall time after warm-up, the real-time "
                    + "factor RTF (compute seconds per second of audio, lower is faster) and GFLOP/s (multiply-adds "
                    + "counted as 2 flops from the config: conv stack, feature projection, positional conv, "
                    + "transformer layers incl. attention), plus load time, JDK, kernels and vector size.",
            "The kernels are the process default (-Dgreenspoof.kernels=auto|vector|scalar)."})
public final class BenchCommand implements Callable<Integer> {

    private static final int SAMPLE_RATE = 16000;

    @Mixin
    EncoderOption encoderDir;

    @Option(names = "--seconds", split = ",", paramLabel = "S", defaultValue = "1,4,10",
            description = "Input lengths in seconds.")
    List<Double> seconds;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts. Default: 1 and all cores.")
    List<Integer> threads;

    @Option(names = "--depth", split = ",", paramLabel = "K",
            description = "How far the forward pass runs: up to hidden state K (layers above K are not run). "
                    + "Default: all layers (L).")
    List<Integer> maxLayers;

    /** The old spelling of --depth. */
    @Option(names = "--max-layer", split = ",", hidden = true, paramLabel = "K")
    void oldMaxLayerOption(List<Integer> k) {
        maxLayers = k;
    }

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Timed runs per configuration.")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N",
            description = "Untimed runs per configuration before the timed ones.")
    int warmup;

    @Option(names = "--jit-warmup", defaultValue = "3", paramLabel = "SECONDS",
            description = "Before the first measurement, run 1 s inputs for this long so that the JIT has compiled "
                    + "the hot loops.")
    double jitWarmup;

    @Option(names = "--json", description = "Print a JSON list, one object per configuration (seconds, threads, "
            + "max_layer, median_s, rtf, gflops, gflop, frames, median_cpu_s, load_s, jdk, kernels, peak_rss_mb) instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One measured configuration. */
    record Result(double seconds, int threads, int maxLayer, int frames, double medianS, double medianCpuS, double gflop,
                  double loadS, String kernels, long peakRssMb) {
        double rtf() {
            return medianS / seconds;
        }

        double gflops() {
            return gflop / medianS;
        }
    }

    @Override
    public Integer call() throws IOException {
        Path model = encoderDir.required();
        if (runs < 1 || warmup < 0 || !(jitWarmup >= 0)) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup and --jit-warmup >= 0");
        }
        for (double s : seconds) {
            if (!(s > 0) || s > 3600) {
                throw new IllegalArgumentException("--seconds must be in (0, 3600], got " + s);
            }
        }
        int cores = ThreadPool.shared().size();
        List<Integer> threadCounts = threads != null ? threads : (cores == 1 ? List.of(1) : List.of(1, cores));
        for (int t : threadCounts) {
            if (t < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + t);
            }
        }
        List<Result> results = new ArrayList<>();
        for (int t : threadCounts) {
            // More threads than the pool has would run as the pool's size: name and report what runs.
            Kernels kernels = KernelProvider.get().withThreads(Math.min(t, cores));
            long t0 = System.nanoTime();
            SpeechEncoder encoder = SpeechEncoder.load(model, kernels);
            double loadS = (System.nanoTime() - t0) / 1e9;
            List<Integer> layers = maxLayers != null ? maxLayers : List.of(encoder.numLayers());
            for (int k : layers) {
                if (k < 0 || k > encoder.numLayers()) {
                    throw new IllegalArgumentException("--depth " + k + " out of range: " + model
                            + " has hidden states 0.." + encoder.numLayers());
                }
            }
            if (results.isEmpty()) {
                jitWarmup(encoder);
            }
            for (double s : seconds) {
                float[] audio = signal((int) Math.round(s * SAMPLE_RATE));
                for (int k : layers) {
                    double[] median = medianSeconds(encoder, audio, k);
                    results.add(new Result(s, Math.min(t, cores), k, encoder.frames(audio.length), median[0], median[1],
                            SpeechEncoder.gflop(encoder.config(), audio.length, k), loadS, kernels.name(), peakRssMb()));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? toJson(results) : toTable(results, cores));
        out.flush();
        return 0;
    }

    private void jitWarmup(SpeechEncoder encoder) {
        float[] audio = signal(SAMPLE_RATE);
        long end = System.nanoTime() + (long) (jitWarmup * 1e9);
        while (System.nanoTime() < end) {
            encoder.pooled(audio, new int[] {encoder.numLayers()}, SpeechEncoder.Pooling.MEAN);
        }
    }

    /** Median wall seconds and median process CPU seconds (all threads, GC and JIT included). */
    private double[] medianSeconds(SpeechEncoder encoder, float[] audio, int maxLayer) {
        int[] layer = {maxLayer};
        for (int i = 0; i < warmup; i++) {
            encoder.pooled(audio, layer, SpeechEncoder.Pooling.MEAN);
        }
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            encoder.pooled(audio, layer, SpeechEncoder.Pooling.MEAN);
            wall[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (processCpuNanos() - c0) / 1e9;
        }
        return new double[] {median(wall), median(cpu)};
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * A fixed, speech-like test signal (the same in tools/bench_compare.py, so every engine sees
     * the same input): a 140 Hz harmonic series with a slow vibrato plus a little deterministic
     * noise from a 32-bit LCG.
     */
    public static float[] signal(int n) {
        float[] x = new float[n];
        long state = 1;
        for (int i = 0; i < n; i++) {
            double t = i / (double) SAMPLE_RATE;
            double phase = 2 * Math.PI * (140 * t + 3 * Math.sin(2 * Math.PI * 0.5 * t));
            double v = 0;
            for (int h = 1; h <= 5; h++) {
                v += Math.sin(h * phase) / h;
            }
            state = (state * 1664525 + 1013904223) & 0xffffffffL;
            x[i] = (float) (0.2 * v + 0.02 * (state / 4294967296.0 - 0.5));
        }
        return x;
    }

    /** Peak resident set size of this process (Linux VmHWM), or -1 where /proc is absent. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + Runtime.version();
    }

    private String toJson(List<Result> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Result r : results) {
            ObjectNode o = array.addObject();
            o.put("seconds", r.seconds());
            o.put("threads", r.threads());
            o.put("max_layer", r.maxLayer());
            o.put("frames", r.frames());
            o.put("median_s", r.medianS());
            o.put("median_cpu_s", r.medianCpuS());
            o.put("rtf", r.rtf());
            o.put("gflops", r.gflops());
            o.put("gflop", r.gflop());
            o.put("runs", runs);
            o.put("load_s", r.loadS());
            o.put("jdk", jdk());
            o.put("kernels", r.kernels());
            o.put("peak_rss_mb", r.peakRssMb());
        }
        return mapper.writeValueAsString(array) + System.lineSeparator();
    }

    private String toTable(List<Result> results, int cores) {
        StringBuilder sb = new StringBuilder();
        sb.append("model ").append(encoderDir.dir).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "JDK %s, %d cores, kernels: %s%n", jdk(), cores, KernelProvider.reason()));
        sb.append(String.format(Locale.ROOT, "%8s %7s %9s %6s %9s %7s %7s %9s %7s %8s%n", "seconds", "threads",
                "max_layer", "frames", "median_s", "rtf", "gflops", "cpu_s", "load_s", "rss_mb"));
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "%8.2f %7d %9d %6d %9.4f %7.4f %7.1f %9.4f %7.2f %8d%n",
                    r.seconds(), r.threads(), r.maxLayer(), r.frames(), r.medianS(), r.rtf(), r.gflops(), r.medianCpuS(),
                    r.loadS(), r.peakRssMb()));
        }
        sb.append(String.format(Locale.ROOT, "median of %d runs after %d warm-up runs; RTF = median_s / seconds; "
                + "cpu_s = process CPU time of a run (well above threads x median_s: GC/JIT; below: the machine is busy)%n",
                runs, warmup));
        return sb.toString();
    }
}
