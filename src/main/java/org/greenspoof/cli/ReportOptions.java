package org.greenspoof.cli;

import java.util.ArrayList;
import java.util.List;
import org.greenspoof.report.EnergyModel;
import picocli.CommandLine.Option;

/** The run-report options every long command shares. */
final class ReportOptions {
    @Option(names = "--watts-per-core", paramLabel = "W", defaultValue = "" + EnergyModel.DEFAULT_WATTS_PER_CORE,
            description = "Watts of one busy core, for the energy estimate when RAPL counters are not readable "
                    + "(Green Algorithms' figure for an unknown CPU).")
    double wattsPerCore;

    @Option(names = "--grams-co2-per-kwh", paramLabel = "G", defaultValue = "" + EnergyModel.DEFAULT_GRAMS_CO2_PER_KWH,
            description = "Carbon intensity of the electricity in g CO2/kWh (world average).")
    double gramsCo2PerKwh;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    boolean noProgress;

    /** The options that differ from their defaults, to pass on to the commands a composite command runs. */
    List<String> asArgs() {
        List<String> out = new ArrayList<>();
        if (wattsPerCore != EnergyModel.DEFAULT_WATTS_PER_CORE) {
            out.addAll(List.of("--watts-per-core", Double.toString(wattsPerCore)));
        }
        if (gramsCo2PerKwh != EnergyModel.DEFAULT_GRAMS_CO2_PER_KWH) {
            out.addAll(List.of("--grams-co2-per-kwh", Double.toString(gramsCo2PerKwh)));
        }
        if (noProgress) {
            out.add("--no-progress");
        }
        return out;
    }

    EnergyModel energy() {
        return new EnergyModel(wattsPerCore, gramsCo2PerKwh, EnergyModel.SYS_POWERCAP);
    }
}
