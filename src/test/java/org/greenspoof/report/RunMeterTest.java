package org.greenspoof.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMeterTest {

    @TempDir
    Path tmp;

    /** Burns 100 ms of this thread's CPU time (not wall time: the test box may be busy). */
    private static double burnCpu() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + 100_000_000L;
        double x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 1000; i++) {
                x += Math.sin(x + 1);
            }
        }
        return x;
    }

    @Test
    void raplCountersAreSummedOverPackagesWithWrapAround() throws IOException {
        Path p0 = Files.createDirectories(tmp.resolve("intel-rapl:0"));
        Path p1 = Files.createDirectories(tmp.resolve("intel-rapl:1"));
        Path sub = Files.createDirectories(tmp.resolve("intel-rapl:0:0"));
        Files.writeString(p0.resolve("energy_uj"), "9000000\n");
        Files.writeString(p0.resolve("max_energy_range_uj"), "10000000\n");
        Files.writeString(p1.resolve("energy_uj"), "100\n");
        Files.writeString(sub.resolve("energy_uj"), "0\n");
        RunMeter m = new RunMeter(new EnergyModel(12, 500, tmp));
        Files.writeString(p0.resolve("energy_uj"), "500000\n"); // wrapped: +1.5 J
        Files.writeString(p1.resolve("energy_uj"), "2000100\n"); // +2 J
        Files.writeString(sub.resolve("energy_uj"), "99999999\n"); // subzone: part of package 0, not added
        RunReport r = m.finish(10, 20, 1);
        assertEquals(3.5 / 3.6e6, r.kwh(), 1e-15);
        assertEquals(r.kwh() * 500, r.gramsCo2(), 1e-15);
        assertTrue(r.energySource().startsWith("RAPL"), r.energySource());
    }

    @Test
    void withoutRaplEnergyIsCpuSecondsTimesWattsPerCore() {
        RunMeter m = new RunMeter(new EnergyModel(10, 400, tmp.resolve("absent")));
        burnCpu();
        RunReport r = m.finish(3, 6.0, 0);
        assertTrue(r.cpuSeconds() >= 0.1 && r.cpuSeconds() < 10, "cpu " + r.cpuSeconds());
        assertEquals(r.cpuSeconds() * 10 / 3.6e6, r.kwh(), 1e-12);
        assertEquals(r.kwh() * 400, r.gramsCo2(), 1e-12);
        assertTrue(r.wallSeconds() >= 0.1);
        assertEquals(r.wallSeconds() / 6.0, r.rtf(), 1e-12);
        assertEquals(3 / r.wallSeconds(), r.utterancesPerSecond(), 1e-9);
        assertTrue(r.peakRssBytes() > 1 << 20, "peak rss " + r.peakRssBytes());
        String text = r.format();
        for (String s : new String[] {"wall time", "CPU time", "3 processed, 0 failed", "RTF", "peak memory", "kWh",
                "g CO2 at 400 g/kWh", "10.0 W per core"}) {
            assertTrue(text.contains(s), s + " in\n" + text);
        }
        assertThrows(IllegalArgumentException.class, () -> new EnergyModel(-1, 1, tmp));
    }

    @Test
    void progressPrintsRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "embed", 4, true)) {
            p.advance(1);
            p.advance(3);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("embed [") && s.contains("4/4") && s.contains("/s") && s.contains("ETA 0:00"), s);
        assertEquals("1:01:05", Progress.clock(3665));
        assertEquals("2:05", Progress.clock(125));
    }
}
