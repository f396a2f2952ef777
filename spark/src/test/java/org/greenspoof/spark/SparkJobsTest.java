package org.greenspoof.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.cli.GreenspoofCli;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.demo.SyntheticCorpus;
import org.greenspoof.store.EmbeddingStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs in local[2] (2 cores; a failed task is tried once more) against the CLI on the same corpus:
 * embed then export gives the store {@code greenspoof embed} writes, bit for bit; score gives the lines
 * {@code greenspoof score} writes.
 */
class SparkJobsTest {
    /** The encoder tests' tiny random-weight wav2vec2 (3 layers, hidden 48). */
    static final Path TINY = Path.of("../src/test/resources/encoder/w2v2-base");

    @TempDir
    static Path tmp;
    static Path corpus;
    static SparkSession spark;

    @BeforeAll
    static void start() throws IOException {
        corpus = tmp.resolve("corpus");
        SyntheticCorpus.write(corpus, 11);
        spark = SparkSession.builder().master("local[2,2]").appName("greenspoof-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static void cli(int expected, String... args) {
        assertEquals(expected, GreenspoofCli.run(args), String.join(" ", args));
    }

    static Path sparkStore(String name, String dataset, String partition, FrontendSpec f, int partitions)
            throws IOException {
        String parquet = tmp.resolve(name + ".parquet").toString();
        SparkEmbed.run(spark, new SparkEmbed.Job(dataset, partition, f, parquet, partitions));
        Path store = tmp.resolve(name);
        SparkExport.export(spark, parquet, store, 256);
        return store;
    }

    static void assertSameStore(Path cli, Path spark) throws IOException {
        EmbeddingStore a = EmbeddingStore.open(cli), b = EmbeddingStore.open(spark);
        assertEquals(null, a.info().conflictWith(b.info()), "the same provenance");
        assertEquals(a.entries(), b.entries());
        assertEquals(a.failures(), b.failures());
        for (int layer : a.info().layers()) {
            assertArrayEquals(a.layer(layer), b.layer(layer), "layer " + layer);
        }
        // Committed alike: the same index and the same shard files, byte for byte.
        assertArrayEquals(Files.readAllBytes(cli.resolve("index.json")), Files.readAllBytes(spark.resolve("index.json")));
        try (Stream<Path> files = Files.list(cli)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".npy")).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(spark.resolve(f.getFileName())), f.toString());
            }
        }
    }

    @Test
    void lfccEmbedExportSweepAndScoreEqualTheCli() throws IOException {
        for (String part : List.of("train", "dev")) {
            cli(0, "embed", "--dataset", corpus.toString(), "--partition", part, "--out",
                    tmp.resolve("cli-" + part).toString(), "--no-progress");
            assertSameStore(tmp.resolve("cli-" + part), sparkStore("spark-" + part, corpus.toString(), part,
                    FrontendSpec.lfcc(null), 3));
        }
        for (String via : List.of("cli", "spark")) {
            cli(0, "sweep", "--train", tmp.resolve(via + "-train").toString(), "--dev", tmp.resolve(via + "-dev").toString(),
                    "--kinds", "lr", "--c", "0.1,1", "--out", tmp.resolve(via + "-sweep").toString(), "--no-progress");
        }
        assertEquals(withoutTimes(tmp.resolve("cli-sweep.csv")), withoutTimes(tmp.resolve("spark-sweep.csv")));

        Path model = tmp.resolve("model.json");
        cli(0, "train", "--train", tmp.resolve("cli-train").toString(), "--c", "1", "--out", model.toString(), "--no-progress");
        cli(0, "score", "--classifier", model.toString(), "--store", tmp.resolve("cli-dev").toString(), "--out",
                tmp.resolve("cli-scores.txt").toString());
        String expected = Files.readString(tmp.resolve("cli-scores.txt"));
        Dataset<Row> fromEmbeddings = SparkScore.scoreEmbeddings(spark, model, tmp.resolve("spark-dev.parquet").toString());
        assertEquals(0, SparkScore.writeScoreLines(fromEmbeddings, tmp.resolve("spark-scores.txt")));
        assertEquals(expected, Files.readString(tmp.resolve("spark-scores.txt")));
        Dataset<Row> fromAudio = SparkScore.scoreAudio(spark, model, corpus.toString(), "dev", FrontendSpec.lfcc(null), 2);
        assertEquals(0, SparkScore.writeScoreLines(fromAudio, tmp.resolve("audio-scores.txt")));
        assertEquals(expected, Files.readString(tmp.resolve("audio-scores.txt")));
    }

    /** The sweep table without its last column, train_seconds (a wall time). */
    static List<String> withoutTimes(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).endsWith(",train_seconds") && lines.size() > 1, lines.toString());
        return lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void aRandomWeightEncoderGivesTheCliStoreBitForBit() throws IOException {
        cli(0, "embed", "--encoder", TINY.toString(), "--layers", "1,3", "--threads", "1", "--dataset", corpus.toString(),
                "--partition", "dev", "--out", tmp.resolve("cli-enc").toString(), "--no-progress");
        FrontendSpec f = FrontendSpec.encoder(TINY, new int[] {1, 3}, null, 1);
        Path store = sparkStore("spark-enc", corpus.toString(), "dev", f, 2);
        assertSameStore(tmp.resolve("cli-enc"), store);
        // The provenance travels in every part file's key-value metadata.
        assertEquals(EmbeddingStore.open(store).info().modelSha256(), EmbeddingsParquet.provenance(
                tmp.resolve("spark-enc.parquet").toString(), spark.sparkContext().hadoopConfiguration()).modelSha256());
    }

    @Test
    void filesThatFailToDecodeAreRowsWithAnErrorNotAFailedStage() throws IOException {
        List<Utterance> dev = Datasets.read(corpus, "dev").subList(0, 6);
        Path broken = Files.write(tmp.resolve("broken.flac"), new byte[64]);
        StringBuilder csv = new StringBuilder("path,label\n");
        dev.forEach(u -> csv.append(u.audio()).append(',').append(u.label().token()).append('\n'));
        csv.append(broken).append(",spoof\n").append(tmp.resolve("gone.flac")).append(",bonafide\n");
        Path list = Files.writeString(tmp.resolve("errors.csv"), csv);
        cli(3, "embed", "--dataset", list.toString(), "--partition", "eval", "--out", tmp.resolve("cli-err").toString(),
                "--no-progress");
        String parquet = tmp.resolve("spark-err.parquet").toString();
        SparkEmbed.Summary s = SparkEmbed.run(spark, new SparkEmbed.Job(list.toString(), "eval", FrontendSpec.lfcc(null),
                parquet, 3));
        assertEquals(8, s.rows());
        assertEquals(2, s.failed());
        assertEquals(EmbeddingStore.open(tmp.resolve("cli-err")).failures().stream().map(EmbeddingStore.Failure::id).sorted()
                .toList(), s.failures().stream().map(EmbeddingStore.Failure::id).sorted().toList());
        List<Row> errors = spark.read().parquet(parquet).filter("error IS NOT NULL").orderBy("position").collectAsList();
        assertEquals(2, errors.size());
        assertEquals("broken", errors.get(0).getString(errors.get(0).fieldIndex("utt_id")));
        assertNull(errors.get(0).get(errors.get(0).fieldIndex("layer_0")));
        assertTrue(errors.get(1).getString(errors.get(1).fieldIndex("error")).contains("no such file"),
                errors.get(1).toString());
        Path store = tmp.resolve("spark-err");
        SparkExport.export(spark, parquet, store, 256);
        assertSameStore(tmp.resolve("cli-err"), store);
    }

    /** Thrown once, in a task's first attempt: what a lost executor looks like to the job. */
    static final class InjectedCrash extends Error {
        InjectedCrash() {
            super("injected: first attempt of the task dies");
        }
    }

    static final AtomicInteger CRASHES = new AtomicInteger();

    @Test
    void aRetriedTaskLeavesNoDuplicateRows() throws IOException {
        List<Utterance> dev = Datasets.read(corpus, "dev");
        String last = dev.get(dev.size() - 1).audio().toString();
        Embedded.AudioSource flaky = file -> {
            // The last file of the last task, after its earlier rows went into the attempt's file.
            if (file.toString().equals(last) && TaskContext.get().attemptNumber() == 0) {
                CRASHES.incrementAndGet();
                throw new InjectedCrash();
            }
            return AudioReader.readMono16k(file, AudioLimits.DEFAULT);
        };
        String parquet = tmp.resolve("retry.parquet").toString();
        SparkEmbed.Summary s = SparkEmbed.run(spark, new SparkEmbed.Job(corpus.toString(), "dev", FrontendSpec.lfcc(null),
                parquet, 3), flaky);
        assertEquals(1, CRASHES.get(), "the first attempt crashed once and was retried");
        assertEquals(dev.size(), s.rows());
        Dataset<Row> rows = spark.read().parquet(parquet);
        assertEquals(dev.size(), rows.count());
        assertEquals(dev.size(), rows.select("utt_id").distinct().count());
        try (Stream<Path> files = Files.list(Path.of(parquet))) {
            assertEquals(List.of("._SUCCESS.crc", ".part-00000.parquet.crc", ".part-00001.parquet.crc",
                    ".part-00002.parquet.crc", "_SUCCESS", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no attempt's file is left");
        }
    }

    @Test
    void aGlobOfUnlabelledAudioIsEmbeddedAndScoredButNotStored() throws IOException {
        Path model = tmp.resolve("glob-model.json");
        cli(0, "embed", "--dataset", corpus.toString(), "--partition", "train", "--out", tmp.resolve("glob-train").toString(),
                "--no-progress");
        cli(0, "train", "--train", tmp.resolve("glob-train").toString(), "--c", "1", "--out", model.toString(), "--no-progress");
        List<Utterance> eval = Datasets.read(corpus, "eval");
        String glob = corpus + "/**/ASVspoof2019_LA_eval/flac/*.flac";
        String parquet = tmp.resolve("glob.parquet").toString();
        SparkEmbed.Summary s = SparkEmbed.run(spark, new SparkEmbed.Job(glob, "eval", FrontendSpec.lfcc(null), parquet, 2));
        assertEquals(eval.size(), s.rows());
        assertEquals(Inputs.GLOB, s.provenance().datasetFormat());
        List<Row> rows = spark.read().parquet(parquet).orderBy("position").collectAsList();
        List<String> sorted = eval.stream().sorted((a, b) -> a.audio().compareTo(b.audio())).map(Utterance::id).toList();
        assertEquals(sorted, rows.stream().map(r -> r.getString(r.fieldIndex("utt_id"))).toList(), "sorted paths, file-name ids");
        assertTrue(rows.stream().allMatch(r -> r.isNullAt(r.fieldIndex("key"))));
        IOException unlabelled = assertThrows(IOException.class, () -> SparkExport.export(spark, parquet, tmp.resolve("glob"), 256));
        assertTrue(unlabelled.getMessage().contains("has no key (bonafide or spoof)"), unlabelled.getMessage());

        SparkScore.writeScoreLines(SparkScore.scoreEmbeddings(spark, model, parquet), tmp.resolve("glob-scores.txt"));
        cli(0, "embed", "--dataset", corpus.toString(), "--partition", "eval", "--out", tmp.resolve("glob-eval").toString(),
                "--no-progress");
        cli(0, "score", "--classifier", model.toString(), "--store", tmp.resolve("glob-eval").toString(), "--out",
                tmp.resolve("glob-cli-scores.txt").toString());
        java.util.Map<String, String> cliScores = new java.util.HashMap<>();
        Files.readAllLines(tmp.resolve("glob-cli-scores.txt")).forEach(l -> cliScores.put(l.split(" ")[0], l.split(" ")[3]));
        List<String> lines = Files.readAllLines(tmp.resolve("glob-scores.txt"));
        assertEquals(eval.size(), lines.size());
        for (String l : lines) {
            String[] f = l.split(" ");
            assertEquals(List.of("-", "-", cliScores.get(f[0])), List.of(f[1], f[2], f[3]), "no attack, no key, the CLI's score");
        }
    }

    @Test
    void mixedOrUnfinishedOutputsAreRefused() throws IOException {
        String a = tmp.resolve("mix-a.parquet").toString(), b = tmp.resolve("mix-b.parquet").toString();
        SparkEmbed.run(spark, new SparkEmbed.Job(corpus.toString(), "eval", FrontendSpec.lfcc(null), a, 1));
        SparkEmbed.run(spark, new SparkEmbed.Job(corpus.toString(), "dev", FrontendSpec.lfcc(null), b, 1));
        Files.copy(Path.of(b, "part-00000.parquet"), Path.of(a, "part-00001.parquet"));
        IOException mixed = assertThrows(IOException.class, () -> SparkExport.export(spark, a, tmp.resolve("mix"), 256));
        assertEquals("file:" + Path.of(a, "part-00000.parquet") + " and file:" + Path.of(a, "part-00001.parquet")
                + " come from different jobs: partition is eval in the first but dev in the second", mixed.getMessage());
        Files.delete(Path.of(b, "_SUCCESS"));
        IOException unfinished = assertThrows(IOException.class, () -> SparkExport.export(spark, b, tmp.resolve("mix"), 256));
        assertTrue(unfinished.getMessage().startsWith(b + ": no _SUCCESS"), unfinished.getMessage());
        assertTrue(!Files.exists(tmp.resolve("mix")));
    }
}
