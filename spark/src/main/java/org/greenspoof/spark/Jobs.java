package org.greenspoof.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;

/** The {@code spark-submit} entry points' common part: picocli, and one line for errors the input caused. */
final class Jobs {
    private Jobs() {
    }

    /** Exit codes as the CLI's: 0 done, 1 error, 2 usage, 3 done with files skipped, 70 a bug. */
    static int execute(Object command, String... args) {
        return new CommandLine(command).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            ex.printStackTrace(cmd.getErr());
            return 70;
        }).execute(args);
    }

    /**
     * The rows of {@code df} on the driver, one partition at a time, in {@code position} order. Range-partitioned
     * into as many partitions as {@code df} has rather than by {@code orderBy}, whose
     * {@code spark.sql.shuffle.partitions} (200 by default) would cost one job each.
     */
    static Iterator<Row> inPositionOrder(Dataset<Row> df) {
        int n = Math.max(1, df.javaRDD().getNumPartitions());
        return df.repartitionByRange(n, df.col("position")).sortWithinPartitions("position").toLocalIterator();
    }
}
