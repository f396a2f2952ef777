package org.greenspoof.spark;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.greenspoof.Version;
import org.greenspoof.cli.Layers;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.Embedder;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Embeds a dataset partition (or a glob of audio files) on Spark into Parquet ({@link EmbeddingsParquet}),
 * with the engine's own readers and front-ends: what {@code greenspoof embed} stores, spread over a cluster.
 * The listing is split into {@code partitions} contiguous slices, one task each.
 */
public final class SparkEmbed {
    private SparkEmbed() {
    }

    /**
     * @param dataset    a dataset folder or CSV list ({@code greenspoof embed --dataset}), or a glob
     * @param partition  train, dev or eval (recorded for a glob)
     * @param out        the output folder (any Hadoop file system URI; must not exist)
     * @param partitions tasks to split the listing into
     */
    public record Job(String dataset, String partition, FrontendSpec frontend, String out, int partitions) {
    }

    /** What the job did: rows written, of which failed, the failures ({@code greenspoof embed}'s words) and the audio embedded. */
    public record Summary(long rows, long failed, List<EmbeddingStore.Failure> failures, double audioSeconds,
                          StoreInfo provenance) {
    }

    /** One task's counts, returned to the driver (only successful attempts' results are counted). */
    private record TaskResult(long rows, List<Failed> failures, double seconds) implements Serializable {
    }

    private record Failed(String id, String path, String error) implements Serializable {
    }

    public static Summary run(SparkSession spark, Job job) throws IOException {
        return run(spark, job, Embedded.AudioSource.engine());
    }

    /** As {@link #run(SparkSession, Job)}, decoding audio with {@code audio}. */
    public static Summary run(SparkSession spark, Job job, Embedded.AudioSource audio) throws IOException {
        if (job.partitions() < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, not " + job.partitions());
        }
        Inputs.Listing listing = Inputs.list(job.dataset(), job.partition());
        Embedder.Factory factory = job.frontend().factory();
        StoreInfo info = new StoreInfo(StoreInfo.FORMAT, StoreInfo.VERSION, factory.frontend(), factory.model(),
                factory.modelSha256(), factory.layers(), factory.pooling(), factory.dim(), job.partition(),
                listing.dataset(), listing.format(), Version.text(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                null);
        Path out = new Path(job.out());
        FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(out)) {
            throw new IllegalArgumentException(job.out() + " exists; the embedding job writes a new folder: choose "
                    + "another output or delete it");
        }
        fs.mkdirs(out);
        FrontendSpec frontend = job.frontend();
        String dir = job.out();
        String provenance = EmbeddingsParquet.provenanceJson(info);
        int[] layers = info.layers();
        List<TaskResult> results = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(listing.inputs(), job.partitions())
                .mapPartitionsWithIndex((Integer index, Iterator<Input> inputs) -> {
                    List<Failed> failures = new ArrayList<>();
                    double[] seconds = {0};
                    Iterator<Embedded> rows = Embedded.embed(inputs, frontend.factory(), audio);
                    Iterator<Embedded> counted = new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return rows.hasNext();
                        }

                        @Override
                        public Embedded next() {
                            Embedded e = rows.next();
                            if (e.error() != null) {
                                failures.add(new Failed(e.input().id(), e.input().path(), e.error()));
                            } else {
                                seconds[0] += e.seconds();
                            }
                            return e;
                        }
                    };
                    long n = EmbeddingsParquet.writePart(dir, index, TaskContext.get().attemptNumber(), provenance, layers,
                            counted);
                    return List.of(new TaskResult(n, failures, seconds[0])).iterator();
                }, true)
                .collect();
        // What failed attempts left behind (a retry wrote its own file and renamed it into place).
        for (FileStatus f : fs.listStatus(out)) {
            if (f.getPath().getName().matches("\\.part-\\d+\\.parquet\\.attempt-\\d+(\\.crc)?")) {
                fs.delete(f.getPath(), false);
            }
        }
        fs.create(new Path(out, EmbeddingsParquet.SUCCESS), true).close();
        long rows = 0;
        double seconds = 0;
        List<EmbeddingStore.Failure> failures = new ArrayList<>();
        for (TaskResult r : results) {
            rows += r.rows();
            seconds += r.seconds();
            r.failures().forEach(f -> failures.add(new EmbeddingStore.Failure(f.id(), f.path(), f.error())));
        }
        return new Summary(rows, failures.size(), failures, seconds, info);
    }

    @Command(name = "SparkEmbed", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Embed a dataset partition or a glob of audio files into Parquet, on Spark.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--dataset", required = true, paramLabel = "DIR|LIST|GLOB",
                description = "Dataset folder or .csv list (as greenspoof embed), or a glob such as '/lake/**/*.flac'.")
        String dataset;

        @Option(names = "--partition", defaultValue = "eval", paramLabel = "train|dev|eval")
        String partition;

        @Option(names = "--encoder", paramLabel = "DIR",
                description = "Encoder checkpoint folder, at the same path on every executor; without it, LFCC.")
        java.nio.file.Path encoder;

        @Option(names = "--layers", paramLabel = "LIST", description = "Layers to store (default: all).")
        String layers;

        @Option(names = "--pool", paramLabel = "mean|meanstd", description = "Default: mean (encoder), meanstd (LFCC).")
        String pool;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must not exist).")
        String out;

        @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
                description = "Tasks (default: 4 per core of spark.default.parallelism).")
        int partitions;

        @Override
        public Integer call() throws IOException {
            SparkSession spark = SparkSession.builder().appName("greenspoof embed").getOrCreate();
            try {
                if (encoder == null && layers != null) {
                    throw new IllegalArgumentException("--layers: the LFCC front-end has only layer 0; give --encoder DIR");
                }
                int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
                FrontendSpec f = encoder == null ? FrontendSpec.lfcc(pool) : FrontendSpec.encoder(encoder,
                        layers == null ? null : Layers.parse(layers, Integer.MAX_VALUE), pool, threads);
                int n = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
                Summary s = run(spark, new Job(dataset, partition, f, out, n));
                System.out.printf("embedded %d utterances into %s (%d failed, %.1f s of audio)%n", s.rows(), out,
                        s.failed(), s.audioSeconds());
                s.failures().forEach(x -> System.out.println("  failed " + x.id() + " " + x.path() + ": " + x.error()));
                return s.failed() == 0 ? 0 : 3;
            } finally {
                spark.stop();
            }
        }
    }

    public static void main(String[] args) {
        System.exit(Jobs.execute(new Main(), args));
    }
}
