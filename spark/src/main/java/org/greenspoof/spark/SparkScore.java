package org.greenspoof.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.cli.Layers;
import org.greenspoof.detect.Compatibility;
import org.greenspoof.io.AtomicFiles;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.store.Embedder;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Applies a classifier file ({@code greenspoof train}'s) on Spark, to the embedding job's Parquet or straight to
 * audio (embedded on the way, not stored). The classifier is checked against the embeddings as
 * {@code greenspoof score} checks it ({@link Compatibility}), and must be readable at the same path on every
 * executor. The result is a DataFrame of {@code position, utt_id, attack, key, score, error} (score null where
 * the file failed to embed), written as Parquet and/or as ASVspoof score lines in the store order, the lines
 * {@code greenspoof score} writes ({@link ScoreFiles#line}; key "-" for unlabelled audio).
 */
public final class SparkScore {
    private SparkScore() {
    }

    static final StructType SCHEMA = new StructType()
            .add("position", DataTypes.LongType, false)
            .add("utt_id", DataTypes.StringType, false)
            .add("attack", DataTypes.StringType, false)
            .add("key", DataTypes.StringType, true)
            .add("score", DataTypes.DoubleType, true)
            .add("error", DataTypes.StringType, true);

    /** Scores the embedding job's output {@code parquet}. */
    public static Dataset<Row> scoreEmbeddings(SparkSession spark, Path classifier, String parquet) throws IOException {
        StoreInfo info = EmbeddingsParquet.provenance(parquet, spark.sparkContext().hadoopConfiguration());
        int index = Compatibility.check("embeddings " + parquet, info.model(), info.modelSha256(), info.layers(),
                info.pooling(), info.dim(), ClassifierFile.read(classifier), classifier.toString());
        String file = classifier.toAbsolutePath().toString();
        JavaRDD<Row> scored = spark.read().parquet(parquet)
                .selectExpr("position", "utt_id", "attack", "key", "error", EmbeddingsParquet.column(info.layers()[index]))
                .javaRDD().mapPartitions(rows -> {
                    List<Row> in = new ArrayList<>();
                    List<float[]> x = new ArrayList<>();
                    rows.forEachRemaining(r -> {
                        in.add(r);
                        if (r.isNullAt(4)) {
                            x.add(SparkExport.floats(r.getList(5)));
                        }
                    });
                    double[] s = ClassifierFile.read(Path.of(file)).classifier().scores(x.toArray(new float[0][]));
                    List<Row> out = new ArrayList<>(in.size());
                    int k = 0;
                    for (Row r : in) {
                        boolean ok = r.isNullAt(4);
                        out.add(RowFactory.create(r.getLong(0), r.getString(1), r.getString(2), r.isNullAt(3) ? null
                                : r.getString(3), ok ? s[k++] : null, r.isNullAt(4) ? null : r.getString(4)));
                    }
                    return out.iterator();
                });
        return spark.createDataFrame(scored, SCHEMA);
    }

    /** Embeds and scores {@code dataset} (as {@link SparkEmbed} reads it) in {@code partitions} tasks. */
    public static Dataset<Row> scoreAudio(SparkSession spark, Path classifier, String dataset, String partition,
                                          FrontendSpec frontend, int partitions) throws IOException {
        Inputs.Listing listing = Inputs.list(dataset, partition);
        Embedder.Factory f = frontend.factory();
        int index = Compatibility.check("audio embedded with " + f.model(), f.model(), f.modelSha256(), f.layers(),
                f.pooling(), f.dim(), ClassifierFile.read(classifier), classifier.toString());
        String file = classifier.toAbsolutePath().toString();
        Embedded.AudioSource audio = Embedded.AudioSource.engine();
        JavaRDD<Row> scored = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(listing.inputs(), partitions)
                .mapPartitions((Iterator<Input> inputs) -> {
                    List<Embedded> rows = new ArrayList<>();
                    List<float[]> x = new ArrayList<>();
                    Embedded.embed(inputs, frontend.factory(), audio).forEachRemaining(e -> {
                        rows.add(e);
                        if (e.error() == null) {
                            x.add(e.vectors()[index]);
                        }
                    });
                    double[] s = ClassifierFile.read(Path.of(file)).classifier().scores(x.toArray(new float[0][]));
                    List<Row> out = new ArrayList<>(rows.size());
                    int k = 0;
                    for (Embedded e : rows) {
                        Input in = e.input();
                        out.add(RowFactory.create(in.position(), in.id(), in.attack(), in.key(),
                                e.error() == null ? s[k++] : null, e.error()));
                    }
                    return out.iterator();
                });
        return spark.createDataFrame(scored, SCHEMA);
    }

    /** Writes the scored rows as ASVspoof score lines, in position order; returns how many rows failed (no line). */
    public static long writeScoreLines(Dataset<Row> scored, Path file) throws IOException {
        long[] failed = {0};
        Iterator<Row> rows = Jobs.inPositionOrder(scored);
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            while (rows.hasNext()) {
                Row r = rows.next();
                if (r.isNullAt(4)) {
                    failed[0]++;
                    continue;
                }
                w.write(ScoreFiles.line(r.getString(1), r.getString(2), r.isNullAt(3) ? "-" : r.getString(3), r.getDouble(4)));
            }
            w.flush();
        });
        return failed[0];
    }

    @Command(name = "SparkScore", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Score embeddings (SparkEmbed's Parquet) or audio with a classifier file, on Spark.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--classifier", required = true, paramLabel = "CLASSIFIER.json")
        Path classifier;

        @Option(names = "--embeddings", paramLabel = "DIR", description = "SparkEmbed's output; or give --dataset.")
        String embeddings;

        @Option(names = "--dataset", paramLabel = "DIR|LIST|GLOB", description = "Audio to embed and score.")
        String dataset;

        @Option(names = "--partition", defaultValue = "eval", paramLabel = "train|dev|eval")
        String partition;

        @Option(names = "--encoder", paramLabel = "DIR", description = "With --dataset: the encoder (default LFCC).")
        Path encoder;

        @Option(names = "--layers", paramLabel = "LIST", description = "With --dataset and --encoder: layers to compute.")
        String layers;

        @Option(names = "--pool", paramLabel = "mean|meanstd")
        String pool;

        @Option(names = "--partitions", defaultValue = "0", paramLabel = "N", description = "Tasks for --dataset.")
        int partitions;

        @Option(names = "--scores", paramLabel = "FILE", description = "ASVspoof score lines to write (local file).")
        Path scores;

        @Option(names = "--out", paramLabel = "DIR", description = "Parquet scores to write.")
        String out;

        @Override
        public Integer call() throws IOException {
            if ((embeddings == null) == (dataset == null)) {
                throw new IllegalArgumentException("give --embeddings DIR or --dataset DIR|LIST|GLOB, one of them");
            }
            if (scores == null && out == null) {
                throw new IllegalArgumentException("give --scores FILE and/or --out DIR");
            }
            SparkSession spark = SparkSession.builder().appName("greenspoof score").getOrCreate();
            try {
                Dataset<Row> scored;
                if (embeddings != null) {
                    scored = scoreEmbeddings(spark, classifier, embeddings);
                } else {
                    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
                    FrontendSpec f = encoder == null ? FrontendSpec.lfcc(pool) : FrontendSpec.encoder(encoder,
                            layers == null ? null : Layers.parse(layers, Integer.MAX_VALUE), pool, threads);
                    int n = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
                    scored = scoreAudio(spark, classifier, dataset, partition, f, n);
                }
                scored = scored.cache();
                if (out != null) {
                    scored.write().parquet(out);
                }
                long failed = scores == null ? scored.filter("score IS NULL").count() : writeScoreLines(scored, scores);
                System.out.printf("scored %d utterances (%d failed to embed)%n", scored.count() - failed, failed);
                return failed == 0 ? 0 : 3;
            } finally {
                spark.stop();
            }
        }
    }

    public static void main(String[] args) {
        System.exit(Jobs.execute(new Main(), args));
    }
}
