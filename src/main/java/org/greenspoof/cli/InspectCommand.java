package org.greenspoof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.checkpoint.PreprocessorConfig;
import org.greenspoof.checkpoint.SafetensorsFile;
import org.greenspoof.checkpoint.ShardIndex;
import org.greenspoof.checkpoint.TensorInfo;
import org.greenspoof.checkpoint.TorchCheckpoint;
import org.greenspoof.checkpoint.WeightFiles;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code greenspoof inspect}: what a downloaded checkpoint holds, so users can check it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"List the tensors (name, dtype, shape) of a checkpoint: a directory, a model.safetensors, a "
                + "pytorch_model.bin or the shards a *.index.json lists; with a summary of config.json and "
                + "preprocessor_config.json, the parameter count and the weights' sha256 (of the shards one after the "
                + "other, for a sharded checkpoint).",
            "For a directory the weights are also checked against the config; the exit code is 1 when that check "
                + "fails or the directory has no config.json."})
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR|FILE", description = "checkpoint directory (config.json + model.safetensors, pytorch_model.bin or their .index.json) or weights file")
    Path path;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--tensors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "list every tensor; --no-tensors prints the summary only (default: ${DEFAULT-VALUE})")
    boolean tensors;

    /** Config fields under their config.json names (convDim -> conv_dim). */
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private record Row(String name, String dtype, long[] shape) {
    }

    private static final List<String> WEIGHT_NAMES = List.of(WeightFiles.SINGLE, WeightFiles.INDEX,
            WeightFiles.TORCH_SINGLE, WeightFiles.TORCH_INDEX);

    @Override
    public Integer call() throws IOException {
        Path dir = Files.isDirectory(path) ? path : null;
        Path weights = dir == null ? path : weightsIn(dir);
        if (weights == null || !Files.isRegularFile(weights)) {
            throw new IllegalArgumentException(path + ": no " + String.join(", ", WEIGHT_NAMES) + " found");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("file", weights.toString());
        List<Row> rows = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        boolean torch;
        if (WeightFiles.isIndex(weights)) {
            ShardIndex index = ShardIndex.read(weights);
            files.addAll(index.shards());
            torch = isTorch(files.get(0));
            List<List<String>> names = new ArrayList<>();
            for (Path shard : files) {
                names.add(list(shard, torch, rows, out));
            }
            index.checkAgainst(names);
            out.put("shards", files.size());
        } else {
            files.add(weights);
            torch = isTorch(weights);
            list(weights, torch, rows, out);
        }
        out.put("format", torch ? "pytorch" : "safetensors");
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        out.put("bytes", bytes);
        out.put("sha256", WeightFiles.sha256(files));
        long params = rows.stream().mapToLong(r -> TensorInfo.numel(r.shape())).sum();
        out.put("tensor_count", rows.size());
        out.put("parameters", params);
        String check = null;
        if (dir != null && Files.exists(dir.resolve(Checkpoint.CONFIG))) {
            EncoderConfig c = EncoderConfig.load(dir.resolve(Checkpoint.CONFIG), ModelFamily.CONFIGS);
            out.set("config", JSON.valueToTree(c));
            out.put("config_summary", c.toString());
            out.set("preprocessor", JSON.valueToTree(PreprocessorConfig.load(dir.resolve(Checkpoint.PREPROCESSOR))));
            if (!torch) {
                try (Checkpoint cp = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
                    out.put("encoder_parameters", SpeechEncoder.check(cp));
                    ArrayNode ignored = out.putArray("ignored");
                    cp.ignored().forEach(ignored::add);
                    check = "ok";
                } catch (IllegalArgumentException e) {
                    check = e.getMessage();
                }
            } else {
                check = "not checked: convert first (greenspoof convert " + weights + ")";
            }
            out.put("check", check);
        } else if (dir != null) {
            check = "no " + Checkpoint.CONFIG + ": cannot check the tensors";
            out.put("check", check);
        }
        if (tensors) {
            ArrayNode list = out.putArray("tensors");
            for (Row r : rows) {
                ObjectNode t = list.addObject();
                t.put("name", r.name());
                t.put("dtype", r.dtype());
                ArrayNode s = t.putArray("shape");
                Arrays.stream(r.shape()).forEach(s::add);
            }
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            printText(out, rows);
        }
        if (check == null || check.equals("ok") || check.startsWith("not checked")) {
            return ExitCode.OK;
        }
        System.err.println("greenspoof inspect: " + path + ": " + check);
        return ExitCode.ERROR;
    }

    private void printText(ObjectNode o, List<Row> rows) {
        System.out.printf("file        %s (%s, %s%,d bytes)%n", o.get("file").asText(), o.get("format").asText(),
                o.has("shards") ? o.get("shards").asInt() + " shards, " : "", o.get("bytes").asLong());
        System.out.println("sha256      " + o.get("sha256").asText());
        if (o.has("metadata") && o.get("metadata").size() > 0) {
            StringBuilder m = new StringBuilder();
            o.get("metadata").properties().forEach(e -> m.append(m.length() == 0 ? "" : ", ").append(e.getKey()).append('=')
                    .append(e.getValue().asText()));
            System.out.println("metadata    " + m);
        }
        System.out.printf("parameters  %,d in %d tensors%s%n", o.get("parameters").asLong(), rows.size(),
                o.has("encoder_parameters") ? String.format(" (%,d used by the encoder)", o.get("encoder_parameters").asLong()) : "");
        if (o.has("config_summary")) {
            System.out.println("config      " + o.get("config_summary").asText());
            var p = o.get("preprocessor");
            System.out.println("preprocess  do_normalize=" + p.get("do_normalize").asBoolean() + ", sampling_rate=" + p.get("sampling_rate").asInt());
            if (o.has("ignored") && o.get("ignored").size() > 0) {
                List<String> ign = new ArrayList<>();
                o.get("ignored").forEach(n -> ign.add(n.asText()));
                System.out.println("ignored     " + String.join(", ", ign));
            }
        }
        if (o.has("check")) {
            System.out.println("check       " + o.get("check").asText());
        }
        if (tensors) {
            int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(0);
            for (Row r : rows) {
                System.out.printf("  %-" + width + "s  %-4s  %s%n", r.name(), r.dtype(), Arrays.toString(r.shape()));
            }
        }
    }

    /** The weights a checkpoint folder holds, in the order a loader looks for them. */
    private static Path weightsIn(Path dir) {
        return WEIGHT_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** Adds one weights file's tensors to {@code rows} (and a safetensors header's metadata to {@code out}). */
    private static List<String> list(Path file, boolean torch, List<Row> rows, ObjectNode out) throws IOException {
        List<String> names = new ArrayList<>();
        if (torch) {
            try (TorchCheckpoint t = TorchCheckpoint.open(file)) {
                for (String n : t.names()) {
                    rows.add(new Row(n, t.tensor(n).dtype().name(), t.tensor(n).shape()));
                    names.add(n);
                }
            }
        } else {
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                for (String n : st.names()) {
                    TensorInfo i = st.info(n);
                    rows.add(new Row(n, i.dtype(), i.shape()));
                    names.add(n);
                }
                ObjectNode meta = out.has("metadata") ? (ObjectNode) out.get("metadata") : out.putObject("metadata");
                st.metadata().forEach(meta::put);
            }
        }
        return names;
    }

    /** A zip archive, or a pickle (legacy torch.save, which TorchCheckpoint explains it cannot read). */
    private static boolean isTorch(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(4);
            return Arrays.equals(head, new byte[] {'P', 'K', 3, 4}) || (head.length > 0 && (head[0] & 0xff) == 0x80);
        }
    }
}
