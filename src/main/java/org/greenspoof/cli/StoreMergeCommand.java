package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.StoreMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Joins the shard stores of {@code embed --shard I/N} into the store of the whole partition. */
@Command(name = "merge", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Join the stores of 'greenspoof embed --shard 0/N' ... 'N-1/N' into one store of the whole "
                + "partition, as one embed run without --shard writes it (protocol order, read again from the dataset "
                + "the stores name). Refuses stores of different jobs, a missing or repeated shard, an utterance in "
                + "two stores, and a shard whose run is unfinished."})
final class StoreMergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "STORE", description = "The shard stores, in any order.")
    List<Path> stores;

    @Option(names = "--out", required = true, paramLabel = "STORE", description = "The merged store (must not exist).")
    Path out;

    @Option(names = "--shard-size", defaultValue = "256", paramLabel = "N",
            description = "Utterances per shard file of the merged store (as embed --shard-size).")
    int shardSize;

    @Option(names = "--json", description = "Print one JSON object (store, shards, stored, failed) instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Outputs.checkFolderToCreate("--out", out);
        StoreMerge.Result r = StoreMerge.merge(stores, out, shardSize);
        List<EmbeddingStore.Failure> failures = EmbeddingStore.open(out).failures();
        if (json) {
            ObjectNode o = Json.object();
            o.put("store", out.toString());
            o.set("shards", Json.MAPPER.valueToTree(r.shards()));
            o.put("stored", r.stored());
            o.set("failed", Json.failures(failures));
            Json.print(o);
        } else {
            System.out.printf("merged shards %s into %s: %d utterances stored, %d failed%n",
                    String.join(", ", r.shards()), out, r.stored(), r.failed());
            failures.forEach(f -> System.out.println("  failed " + f.id() + " " + f.path() + ": " + f.error()));
        }
        return failures.isEmpty() ? ExitCode.OK : ExitCode.SKIPPED;
    }
}
