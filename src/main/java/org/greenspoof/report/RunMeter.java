package org.greenspoof.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures one long command from construction to {@link #finish}: wall time, process CPU time, peak
 * resident memory and energy (see {@link EnergyModel}).
 */
public final class RunMeter {
    private final EnergyModel energy;
    private final List<EnergyModel.RaplDomain> rapl;
    private final long[] raplStart;
    private final long wallStart;
    private final long cpuStart;

    public RunMeter(EnergyModel energy) {
        this.energy = energy;
        this.rapl = energy.raplDomains();
        this.raplStart = readRapl();
        this.wallStart = System.nanoTime();
        this.cpuStart = processCpuNanos();
    }

    /**
     * @param utterances   utterances processed in this run (not counting ones resumed from disk)
     * @param audioSeconds their total duration
     * @param failures     utterances that could not be processed
     */
    public RunReport finish(long utterances, double audioSeconds, long failures) {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (processCpuNanos() - cpuStart) / 1e9;
        double joules;
        String source;
        long[] raplEnd = readRapl();
        if (raplEnd != null && raplStart != null) {
            long uj = 0;
            for (int i = 0; i < raplEnd.length; i++) {
                long d = raplEnd[i] - raplStart[i];
                uj += d >= 0 ? d : d + rapl.get(i).maxRangeUj();
            }
            joules = uj / 1e6;
            source = "RAPL package counters (whole CPU package, other processes included)";
        } else {
            joules = cpu * energy.wattsPerCore();
            source = String.format("estimate: CPU seconds x %.1f W per core (no readable RAPL counters)",
                    energy.wattsPerCore());
        }
        double kwh = joules / 3.6e6;
        return new RunReport(wall, cpu, utterances, audioSeconds, failures, peakRssBytes(), kwh,
                kwh * energy.gramsCo2PerKwh(), energy.gramsCo2PerKwh(), source);
    }

    private long[] readRapl() {
        if (rapl.isEmpty()) {
            return null;
        }
        long[] v = new long[rapl.size()];
        try {
            for (int i = 0; i < v.length; i++) {
                v[i] = EnergyModel.readLong(rapl.get(i).energyUj());
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return v;
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long t = sun.getProcessCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        // Without the process figure, the sum over live threads is the best available lower bound.
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }

    /** Peak resident set size (VmHWM) from /proc/self/status; the peak heap use where /proc is absent. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JVM's own view
        }
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
