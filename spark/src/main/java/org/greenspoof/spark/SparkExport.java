package org.greenspoof.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.greenspoof.dataset.Label;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.StoreInfo;
import org.greenspoof.store.StoreWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns the embedding job's Parquet into the project's embedding store, so that {@code sweep}, {@code train},
 * {@code score} and {@code eval} run on it unchanged: the rows in {@code position} order, committed as
 * {@code greenspoof embed} commits them ({@link StoreWriter}), failed rows as the store's failures, the header
 * from the Parquet provenance. Refused: an unfinished or mixed output (see {@link EmbeddingsParquet#provenance}),
 * a row without a key (unlabelled audio has no place in a store: score it with {@link SparkScore}) and an
 * utterance that occurs twice.
 */
public final class SparkExport {
    private SparkExport() {
    }

    /** What the store holds. */
    public record Result(StoreInfo info, int stored, int failed) {
    }

    public static Result export(SparkSession spark, String parquet, Path store, int shardSize) throws IOException {
        StoreWriter.requireAbsent(store);
        StoreInfo info = EmbeddingsParquet.provenance(parquet, spark.sparkContext().hadoopConfiguration());
        int[] layers = info.layers();
        List<String> columns = new ArrayList<>(List.of("position", "utt_id", "path", "speaker", "attack", "key", "seconds",
                "error"));
        for (int l : layers) {
            columns.add(EmbeddingsParquet.column(l));
        }
        Dataset<Row> all = spark.read().parquet(parquet);
        Iterator<Row> rows = Jobs.inPositionOrder(all.selectExpr(columns.toArray(new String[0])));
        Set<String> seen = new HashSet<>();
        int[] counts = {0, 0};
        StoreWriter.write(store, info, shardSize, () -> {
            if (!rows.hasNext()) {
                return null;
            }
            Row r = rows.next();
            String id = r.getString(1);
            if (!seen.add(id)) {
                throw new IOException(parquet + ": utterance " + id + " occurs twice");
            }
            if (r.isNullAt(5) || Label.parseOrNull(r.getString(5)) == null) {
                throw new IOException(parquet + ": utterance " + id + " has no key (bonafide or spoof): a store holds "
                        + "labelled data; score unlabelled audio with SparkScore");
            }
            if (!r.isNullAt(7)) {
                counts[1]++;
                return StoreWriter.Item.failed(new EmbeddingStore.Failure(id, r.getString(2), r.getString(7)));
            }
            float[][] v = new float[layers.length][];
            for (int i = 0; i < layers.length; i++) {
                v[i] = floats(r.getList(8 + i));
                if (v[i].length != info.dim()) {
                    throw new IOException(parquet + ": utterance " + id + " has " + v[i].length + " values in "
                            + EmbeddingsParquet.column(layers[i]) + ", the provenance says dim " + info.dim());
                }
            }
            counts[0]++;
            return StoreWriter.Item.stored(new EmbeddingStore.Entry(id, r.getString(5), r.getString(4), r.getString(3),
                    r.getDouble(6)), v);
        });
        return new Result(info, counts[0], counts[1]);
    }

    static float[] floats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    @Command(name = "SparkExport", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Write the embedding job's Parquet as a greenspoof embedding store.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--embeddings", required = true, paramLabel = "DIR", description = "SparkEmbed's output folder.")
        String embeddings;

        @Option(names = "--out", required = true, paramLabel = "STORE", description = "The store to write (must not exist).")
        Path out;

        @Option(names = "--shard-size", defaultValue = "256", paramLabel = "N", description = "Utterances per shard file.")
        int shardSize;

        @Override
        public Integer call() throws IOException {
            SparkSession spark = SparkSession.builder().appName("greenspoof export").getOrCreate();
            try {
                Result r = export(spark, embeddings, out, shardSize);
                System.out.printf("stored %d utterances in %s (%d failed)%n", r.stored(), out, r.failed());
                return 0;
            } finally {
                spark.stop();
            }
        }
    }

    public static void main(String[] args) {
        System.exit(Jobs.execute(new Main(), args));
    }
}
