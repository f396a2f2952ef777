package org.greenspoof.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code pytorch_model.bin} -> {@code model.safetensors}: every tensor of the state dict, under its
 * own name, as float32 (F16 and BF16 widen exactly; F64 rounds; I64 converts, exactly below 2^24).
 * A sharded checkpoint ({@code pytorch_model.bin.index.json} and its shards) becomes one file.
 * One tensor is in memory at a time, and the output appears atomically.
 */
public final class TorchConverter {

    private static final Logger LOG = Logger.getLogger(TorchConverter.class.getName());

    private TorchConverter() {
    }

    /** What a conversion wrote. */
    public record Result(int tensors, long parameters, Map<Dtype, Integer> sourceDtypes) {
    }

    /** Converts a {@code .bin}, or the shards a {@code .index.json} lists. */
    public static Result convert(Path input, Path safetensors) throws IOException {
        ShardIndex index = WeightFiles.isIndex(input) ? ShardIndex.read(input) : null;
        if (index != null && index.shards().get(0).getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException(input + " lists safetensors shards, which greenspoof reads as they are: "
                    + "no conversion needed");
        }
        List<TorchCheckpoint> opened = new ArrayList<>();
        Throwable failure = null;
        try {
            for (Path bin : index == null ? List.of(input) : index.shards()) {
                opened.add(TorchCheckpoint.open(bin));
            }
            if (index != null) {
                index.checkAgainst(opened.stream().map(TorchCheckpoint::names).toList());
            }
            List<SafetensorsWriter.Source> sources = new ArrayList<>();
            Map<Dtype, Integer> dtypes = new LinkedHashMap<>();
            long params = 0;
            for (TorchCheckpoint in : opened) {
                for (String name : in.names()) {
                    TorchCheckpoint.Tensor t = in.tensor(name);
                    dtypes.merge(t.dtype(), 1, Integer::sum);
                    params += t.numel();
                    if (t.dtype() == Dtype.I64) {
                        LOG.warning(in.file() + ": integer tensor '" + name + "' is written as float32");
                    }
                    sources.add(source(in, t));
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("converted_from", String.valueOf(input.getFileName()));
            meta.put("converter", "greenspoof convert");
            SafetensorsWriter.write(safetensors, meta, sources);
            return new Result(sources.size(), params, dtypes);
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            IOException closing = WeightFiles.closeAll(opened, failure);
            if (closing != null) {
                throw closing;
            }
        }
    }

    private static SafetensorsWriter.Source source(TorchCheckpoint in, TorchCheckpoint.Tensor t) {
        return new SafetensorsWriter.Source() {
            @Override
            public String name() {
                return t.name();
            }

            @Override
            public long[] shape() {
                return t.shape();
            }

            @Override
            public float[] data() throws IOException {
                return in.readFloats(t.name());
            }
        };
    }
}
