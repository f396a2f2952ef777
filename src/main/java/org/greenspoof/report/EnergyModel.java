package org.greenspoof.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How a run's energy is estimated. When the kernel exposes RAPL package counters
 * ({@code /sys/class/powercap/intel-rapl:N/energy_uj}, readable by the user; AMD CPUs appear under the same
 * name) the measured energy of the whole package is used, which includes other processes. Otherwise
 * energy = process CPU seconds x {@link #wattsPerCore}: the Green Algorithms method (Lannelongue et al.,
 * 2021) without its memory term.
 *
 * @param wattsPerCore     power of one fully busy core; default {@value #DEFAULT_WATTS_PER_CORE} W, Green
 *                         Algorithms' per-core figure for a CPU of unknown model
 * @param gramsCo2PerKwh   carbon intensity of the electricity; default {@value #DEFAULT_GRAMS_CO2_PER_KWH} g/kWh,
 *                         the world average Green Algorithms uses
 * @param powercap         the powercap folder to read RAPL counters from (tests point it elsewhere)
 */
public record EnergyModel(double wattsPerCore, double gramsCo2PerKwh, Path powercap) {
    public static final double DEFAULT_WATTS_PER_CORE = 12.0;
    public static final double DEFAULT_GRAMS_CO2_PER_KWH = 475.0;
    public static final Path SYS_POWERCAP = Path.of("/sys/class/powercap");

    public EnergyModel {
        if (!(wattsPerCore >= 0) || !(gramsCo2PerKwh >= 0)) {
            throw new IllegalArgumentException("watts per core and grams CO2 per kWh must be >= 0");
        }
    }

    public static EnergyModel defaults() {
        return new EnergyModel(DEFAULT_WATTS_PER_CORE, DEFAULT_GRAMS_CO2_PER_KWH, SYS_POWERCAP);
    }

    /** One RAPL package counter: its file and wrap-around range, both in microjoules. */
    record RaplDomain(Path energyUj, long maxRangeUj) {
    }

    /** The readable top-level RAPL package domains (not their core/dram subzones); empty when there are none. */
    List<RaplDomain> raplDomains() {
        List<RaplDomain> out = new ArrayList<>();
        if (!Files.isDirectory(powercap)) {
            return out;
        }
        try (Stream<Path> s = Files.list(powercap)) {
            for (Path d : s.sorted().toList()) {
                String n = d.getFileName().toString();
                if (n.matches("intel-rapl:\\d+")) {
                    Path e = d.resolve("energy_uj");
                    Path m = d.resolve("max_energy_range_uj");
                    readLong(e);
                    out.add(new RaplDomain(e, Files.isReadable(m) ? readLong(m) : Long.MAX_VALUE));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unreadable counters (the usual case for non-root users since 2020) mean: estimate instead.
            return List.of();
        }
        return out;
    }

    static long readLong(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }
}
