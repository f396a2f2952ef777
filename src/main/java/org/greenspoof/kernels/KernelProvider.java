package org.greenspoof.kernels;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides once per process whether the Vector API kernels or the scalar ones run, and logs one
 * line saying why (the Lucene vectorization-provider pattern). The system property
 * {@code greenspoof.kernels} ({@code auto}, {@code vector}, {@code scalar}) overrides the choice.
 */
public final class KernelProvider {

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
    private static final String MODULE = "jdk.incubator.vector";
    /** Below 128-bit vectors (or with C1 only) the incubator API is slower than plain loops. */
    private static final int MIN_VECTOR_BITS = 128;

    private static final int CORES = ThreadPool.shared().size();
    private static final Kernels SCALAR = new ScalarKernels().withThreads(CORES);
    private static final Probe PROBE = probe();
    private static final Kernels DEFAULT = choose();

    private KernelProvider() {
    }

    /** The kernels this process uses, splitting matrix products over all cores. */
    public static Kernels get() {
        return DEFAULT;
    }

    /** The scalar reference kernels, always available (all cores; see {@link Kernels#withThreads}). */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** The vector kernels on all cores, or null when this JVM cannot run them (see {@link #reason()}). */
    public static Kernels vectorOrNull() {
        return PROBE.vector;
    }

    /**
     * The vector kernels once per micro-kernel tile shape (all cores), the one this machine uses
     * first, then this machine's tile at the shortest k-block unless it already uses that; empty
     * when this JVM cannot run them. For parity tests: every shape must match.
     */
    public static List<Kernels> vectorEveryTile() {
        if (PROBE.vector == null) {
            return java.util.List.of();
        }
        List<Kernels> all = new ArrayList<>(List.of(PROBE.vector));
        for (VectorKernels.Tile t : VectorKernels.Tile.values()) {
            if (t != PROBE.tile) {
                all.add(PROBE.vector.withTile(t));
            }
        }
        if (PROBE.vector.kBlock() != VectorKernels.shortestKBlock()) {
            all.add(PROBE.vector.withKBlock(VectorKernels.shortestKBlock()));
        }
        return all;
    }

    /** The one-line explanation of the start-up decision. */
    public static String reason() {
        return PROBE.reason + " -> " + DEFAULT.name();
    }

    private record Probe(VectorKernels vector, VectorKernels.Tile tile, String reason) {
    }

    private static Probe probe() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return new Probe(null, null, "module " + MODULE + " absent (start java with --add-modules " + MODULE + ")");
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return new Probe(null, null, "JVM runs interpreted (-Xint)");
        }
        String tiered = hotspotFlag("TieredStopAtLevel");
        if (tiered != null && Integer.parseInt(tiered) < 4) {
            return new Probe(null, null, "C2 disabled (TieredStopAtLevel=" + tiered + ")");
        }
        int bits;
        VectorKernels.Tile tile;
        CacheSizes caches = CacheSizes.of(CacheSizes.CPU0);
        VectorKernels vector;
        try {
            bits = VectorKernels.preferredBits();
            tile = VectorKernels.Tile.forThisMachine();
            vector = VectorKernels.forThisMachine(tile, caches).withThreads(CORES);
        } catch (LinkageError | RuntimeException e) {
            return new Probe(null, null, "Vector API unusable: " + e);
        }
        if (bits < MIN_VECTOR_BITS) {
            return new Probe(null, null, "preferred vector size " + bits + " bits is too small");
        }
        String fma = hotspotFlag("UseFMA");
        return new Probe(vector, tile, "module " + MODULE + " present, C2 on, preferred vector " + bits
                + " bits, FMA " + (fma == null ? "unknown" : fma) + ", " + tile.rows + "-row tile ("
                + VectorKernels.Tile.registers(System.getProperty("os.arch", ""), bits) + " vector registers, JDK "
                + Runtime.version().feature() + "), blocks for " + caches);
    }

    private static Kernels choose() {
        String wanted = System.getProperty("greenspoof.kernels", "auto").toLowerCase(Locale.ROOT);
        Kernels chosen = switch (wanted) {
            case "scalar" -> SCALAR;
            case "vector" -> {
                if (PROBE.vector == null) {
                    throw new IllegalStateException("greenspoof.kernels=vector but " + PROBE.reason);
                }
                yield PROBE.vector;
            }
            case "auto" -> PROBE.vector != null ? PROBE.vector : SCALAR;
            default -> throw new IllegalArgumentException(
                    "greenspoof.kernels must be auto, vector or scalar, not '" + wanted + "'");
        };
        LOG.log(System.Logger.Level.INFO, "kernels: " + PROBE.reason + " -> " + chosen.name());
        return chosen;
    }

    private static String hotspotFlag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
