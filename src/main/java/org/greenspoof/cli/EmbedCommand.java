package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.greenspoof.Version;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.ShardSpec;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.report.Progress;
import org.greenspoof.report.RunMeter;
import org.greenspoof.report.RunReport;
import org.greenspoof.store.EmbedJob;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.Embedder;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Embeds one dataset partition into a resumable store. */
@Command(name = "embed", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Embed every utterance of a dataset partition: one pooled vector per requested layer, "
                + "stored crash-safe in STORE. Rerunning the same command after an interruption (even kill -9) "
                + "continues where it stopped.",
                "Datasets: ASVspoof 2019 LA, ASVspoof 2021 LA/DF (eval), In-the-Wild, or a CSV list path,label[,attack]."})
final class EmbedCommand implements Callable<Integer> {

    @Mixin
    FrontendOptions frontend;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset folder (or .csv list).")
    Path dataset;

    @Option(names = "--partition", required = true, paramLabel = "train|dev|eval", description = "Partition to embed.")
    String partition;

    @Option(names = "--out", required = true, paramLabel = "STORE", description = "Embedding store folder.")
    Path out;

    @Mixin
    OnErrorOption onError;

    @Option(names = "--shard-size", defaultValue = "256", paramLabel = "N",
            description = "Utterances per committed shard (what a crash can lose).")
    int shardSize;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Embed only shard I of N (0 <= I < N): the utterances whose id's SHA-256 is I modulo N, "
                    + "the same split on every machine. Each shard is its own resumable store; "
                    + "'greenspoof store merge' joins the N stores into the store of the whole partition.")
    String shard;

    @Option(names = "--json", description = "Print one JSON object (store, counts, failed files, interrupted, "
            + "the run report) instead of text.")
    boolean json;

    @Mixin
    ReportOptions report;

    @Mixin
    AudioLimitOptions audioLimits;

    @Override
    public Integer call() throws IOException {
        RunMeter meter = new RunMeter(report.energy()); // model loading counts too
        Outputs.checkFolderToCreate("--out", out);
        EmbedJob.OnError mode = onError.mode;
        Datasets.Format format = Datasets.detect(dataset);
        ShardSpec part = shard == null ? null : parseShard(shard);
        List<Utterance> listed = Datasets.read(dataset, partition);
        List<Utterance> all = part == null ? listed : part.select(listed);
        Embedder.Factory factory = frontend.factory();
        StoreInfo wanted = new StoreInfo(StoreInfo.FORMAT, StoreInfo.VERSION, factory.frontend(), factory.model(),
                factory.modelSha256(), factory.layers(), factory.pooling(), factory.dim(), partition,
                dataset.toAbsolutePath().normalize().toString(), format.name(),
                Version.text(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                part == null ? null : part.toString());
        try (EmbeddingStore store = EmbeddingStore.createOrResume(out, wanted);
             StopOnSignal stop = new StopOnSignal()) {
            int todo = EmbedJob.pending(all, store).size();
            if (!json) {
                store.repairs().forEach(line -> System.out.println("embed: " + line));
                System.out.printf("embed: %s %s%s, %d utterances (%d to do), %s, %s, %s pooling, %d workers x %d threads%n",
                        format.label(), partition, part == null ? "" : " shard " + part + " (of " + listed.size() + ")",
                        all.size(), todo, factory.frontend(), factory.frontend().equals("lfcc")
                                ? "LFCC statistics" : "layers " + Arrays.toString(factory.layers()), factory.pooling(),
                        frontend.workers(), frontend.innerThreads());
            }
            EmbedJob.Result r;
            try (Progress progress = new Progress(System.err, "embed", todo, !report.noProgress)) {
                r = new EmbedJob(factory, f -> AudioReader.readMono16k(f, audioLimits.limits()), frontend.workers(),
                        shardSize, mode).run(all, store, progress, stop::requested);
            }
            RunReport rep = meter.finish(r.processed(), r.audioSeconds(), r.failures().size());
            EmbeddingStore done = EmbeddingStore.open(out);
            if (json) {
                ObjectNode o = Json.object();
                o.put("store", out.toString());
                o.put("partition", partition);
                if (part != null) {
                    o.put("shard", part.toString());
                }
                o.put("utterances", all.size());
                o.put("stored", done.entries().size());
                o.put("embedded_now", r.processed());
                o.put("already_there", r.resumed());
                o.set("failed", Json.failures(done.failures()));
                o.put("interrupted", r.stopped());
                o.set("report", Json.report(rep));
                Json.print(o);
            }
            if (r.stopped()) {
                if (!json) {
                    System.out.println(rep.format());
                }
                System.err.printf("interrupted: %d stored, %d to do; rerun the same command to resume%n",
                        done.entries().size(), all.size() - done.entries().size());
                return ExitCode.INTERRUPTED;
            }
            if (!json) {
                System.out.printf("stored %d utterances in %s (%d embedded now, %d already there); %d failed in total%n",
                        done.entries().size(), out, r.processed(), r.resumed(), done.failures().size());
                for (EmbeddingStore.Failure f : done.failures()) {
                    System.out.println("  failed " + f.id() + " " + f.path() + ": " + f.error());
                }
                System.out.println(rep.format());
            }
            if (!done.failures().isEmpty()) {
                if (!json) {
                    System.out.println(done.failures().size() + " files skipped (exit code " + ExitCode.SKIPPED
                            + "); fix them and rerun the same command: failed files are tried again");
                }
                return ExitCode.SKIPPED;
            }
            return ExitCode.OK;
        }
    }

    private static ShardSpec parseShard(String text) {
        try {
            return ShardSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--shard: " + e.getMessage());
        }
    }
}
