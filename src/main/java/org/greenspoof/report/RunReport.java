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

    /** The closing lines of a long command; throughput lines only when utterances (and audio) were processed. */
    public String format() {
        StringBuilder sb = new StringBuilder("run report\n");
        sb.append(String.format(Locale.ROOT, "  wall time     %.1f s%n", wallSeconds));
        sb.append(String.format(Locale.ROOT, "  CPU time      %.1f s (%.2f cores busy on average)%n", cpuSeconds,
                wallSeconds > 0 ? cpuSeconds / wallSeconds : 0));
        if (utterances > 0 || failures > 0) {
            sb.append(String.format(Locale.ROOT, "  utterances    %d processed, %d failed%s%n", utterances, failures,
                    audioSeconds > 0 ? String.format(Locale.ROOT, ", %.1f s of audio", audioSeconds) : ""));
            sb.append(String.format(Locale.ROOT, "  throughput    %.2f utterances/s%s%n", utterancesPerSecond(),
                    audioSeconds > 0 ? String.format(Locale.ROOT, ", RTF %.4f (wall time / audio time)", rtf()) : ""));
        }
        sb.append(String.format(Locale.ROOT, "  peak memory   %.0f MiB resident%n", peakRssBytes / 1048576.0));
        sb.append(String.format(Locale.ROOT, "  energy        %.3g kWh, %.3g g CO2 at %.0f g/kWh%n", kwh, gramsCo2,
                gramsCo2PerKwh));
        sb.append("                (").append(energySource).append(')');
        return sb.toString();
    }
}
