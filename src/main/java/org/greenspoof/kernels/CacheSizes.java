package org.greenspoof.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The data cache sizes of CPU 0 that Linux reports in sysfs ({@code index*}/level, type, size such
 * as {@code 48K}); 0 where it does not say (another OS, a container that hides it, an unexpected
 * format), and the kernels then keep the block sizes they were first tuned with.
 */
record CacheSizes(long l1d, long l2) {

    static final Path CPU0 = Path.of("/sys/devices/system/cpu/cpu0/cache");
    static final CacheSizes UNKNOWN = new CacheSizes(0, 0);

    static CacheSizes of(Path cacheDir) {
        long l1d = 0, l2 = 0;
        try (Stream<Path> dirs = Files.list(cacheDir)) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                String level = read(d, "level"), type = read(d, "type");
                if (level.equals("1") && type.equals("Data")) {
                    l1d = bytes(read(d, "size"));
                } else if (level.equals("2") && (type.equals("Unified") || type.equals("Data"))) {
                    l2 = bytes(read(d, "size"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
        return new CacheSizes(l1d, l2);
    }

    @Override
    public String toString() {
        return (l1d > 0 ? l1d / 1024 + " KB L1d" : "L1d unknown") + ", " + (l2 > 0 ? l2 / 1024 + " KB L2" : "L2 unknown");
    }

    private static long bytes(String size) {
        long unit = size.endsWith("K") ? 1024 : size.endsWith("M") ? 1024 * 1024 : 1;
        return Long.parseLong(unit == 1 ? size : size.substring(0, size.length() - 1)) * unit;
    }

    private static String read(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        return Files.isRegularFile(f) ? Files.readString(f).trim() : "";
    }
}
