package org.greenspoof.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with rate and ETA on stderr. On a terminal it redraws one line at most 5 times a
 * second; otherwise (logs, CI) it prints a plain line every 10 seconds. Thread-safe.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;
    /**
     * Set by tools/greenspoof, which can ask the shell whether stderr is a terminal ({@code [ -t 2 ]}).
     * Java cannot, and {@link System#console()} describes stdin/stdout (and on JDK 22+ exists even
     * when they are redirected), so it is only the fallback when the property is absent.
     */
    public static final String TERMINAL_PROPERTY = "greenspoof.stderr.terminal";

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final long intervalNanos;
    private long done;
    private long lastPrint;
    private boolean printed;
    /**
     * When the first unit finished, and how many it was: that unit carries the warm-up (class loading,
     * JIT compilation, packing the weights), so rate and ETA count from its end, or a 6-minute run
     * would first promise 1:25:50.
     */
    private long firstNanos = -1;
    private long firstDone;

    /** @param total work units expected in this run (already-finished units excluded) */
    public Progress(PrintStream out, String label, long total, boolean enabled) {
        this.out = enabled ? out : null;
        this.label = label;
        this.total = total;
        String t = System.getProperty(TERMINAL_PROPERTY);
        this.terminal = t != null ? Boolean.parseBoolean(t) : System.console() != null;
        this.intervalNanos = terminal ? 200_000_000L : 10_000_000_000L;
    }

    public synchronized void advance(long units) {
        advance(units, System.nanoTime());
    }

    synchronized void advance(long units, long now) {
        done += units;
        if (firstNanos < 0) {
            firstNanos = now;
            firstDone = done;
        }
        if (out != null && (now - lastPrint >= intervalNanos || done == total)) {
            lastPrint = now;
            print(now);
        }
    }

    /** The bar at time {@code now} (System.nanoTime); ETA "?" until a unit after the first has finished. */
    synchronized String line(long now) {
        double secs = (now - startNanos) / 1e9;
        double since = (now - firstNanos) / 1e9;
        double rate = firstNanos >= 0 && done > firstDone && since > 0 ? (done - firstDone) / since : 0;
        String eta = rate > 0 ? clock((total - done) / rate) : done >= total ? clock(0) : "?";
        int filled = total > 0 ? (int) (WIDTH * done / total) : WIDTH;
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d %.1f/s elapsed %s ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate, clock(secs), eta);
    }

    private void print(long now) {
        String line = line(now);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        printed = true;
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        if (out != null && terminal && printed) {
            out.println();
        }
    }
}
