package org.greenspoof.report;

import java.util.Locale;

/**
 * What one long command cost.
 *
 * @param wallSeconds     elapsed time
 * @param cpuSeconds      process CPU time, all threads
 * @param utterances      utterances processed
 * @param audioSeconds    their total duration
 * @param failures        utterances that failed
 * @param peakRssBytes    peak resident memory of the process
 * @param kwh             energy
 * @param gramsCo2        kwh x carbon intensity
 * @param gramsCo2PerKwh  the carbon intensity used
 * @param energySource    how the energy figure was obtained
 */
public record RunReport(double wallSeconds, double cpuSeconds, long utterances, double audioSeconds, long failures,
                        long peakRssBytes, double kwh, double gramsCo2, double gramsCo2PerKwh, String energySource) {

    /** Real-time factor: processing time per second of audio (below 1 is faster than real time). */
    public double rtf() {
        return audioSeconds > 0 ? wallSeconds / audioSeconds : Double.NaN;
    }

    public double utterancesPerSecond() {
        return wallSeconds > 0 ? utterances / wallSeconds : Double.NaN;
    }

    /** The closing lines of a long command. */
    public String format() {
        return String.format(Locale.ROOT,
                "run report%n"
                        + "  wall time     %.1f s%n"
                        + "  CPU time      %.1f s (%.2f cores busy on average)%n"
                        + "  utterances    %d processed, %d failed, %.1f s of audio%n"
                        + "  throughput    %.2f utterances/s, RTF %.4f (wall time / audio time)%n"
                        + "  peak memory   %.0f MiB resident%n"
                        + "  energy        %.3g kWh, %.3g g CO2 at %.0f g/kWh%n"
                        + "                (%s)",
                wallSeconds, cpuSeconds, wallSeconds > 0 ? cpuSeconds / wallSeconds : 0, utterances, failures,
                audioSeconds, utterancesPerSecond(), rtf(), peakRssBytes / 1048576.0, kwh, gramsCo2, gramsCo2PerKwh,
                energySource);
    }
}
