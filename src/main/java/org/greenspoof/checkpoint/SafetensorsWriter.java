package org.greenspoof.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.greenspoof.io.AtomicFiles;

/**
 * Writes float32 safetensors files: tensors sorted by name and contiguous, the JSON header padded
 * with spaces to a multiple of 8 bytes (so the data start is 8-aligned), written through {@link AtomicFiles},
 * so a reader never sees half a file.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_FLOATS = 1 << 18;

    private SafetensorsWriter() {
    }

    /** A tensor to write; {@link #data()} is called once, when its bytes are written. */
    public interface Source {
        String name();

        long[] shape();

        float[] data() throws IOException;
    }

    /** A tensor already in memory, written as F32. */
    public record Entry(String name, long[] shape, float[] data) implements Source {
    }

    /**
     * Writes {@code tensors} (as F32) and {@code metadata} (the {@code __metadata__} map, may be empty)
     * to {@code file} atomically. Sources that produce their data lazily keep one tensor in memory at a time.
     */
    public static void write(Path file, Map<String, String> metadata, List<? extends Source> tensors) throws IOException {
        List<Source> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(Source::name));
        byte[] header = header(metadata, sorted);
        AtomicFiles.write(file, out -> {
            byte[] chunk = new byte[4 * CHUNK_FLOATS];
            ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(0, header.length);
            out.write(chunk, 0, Long.BYTES);
            out.write(header);
            for (Source s : sorted) {
                float[] data = s.data();
                long n = TensorInfo.numel(s.shape());
                if (data.length != n) {
                    throw new IllegalArgumentException("tensor '" + s.name() + "': shape " + Arrays.toString(s.shape())
                            + " needs " + n + " values, got " + data.length);
                }
                for (int i = 0; i < data.length; i += CHUNK_FLOATS) {
                    int cnt = Math.min(CHUNK_FLOATS, data.length - i);
                    buf.clear();
                    buf.asFloatBuffer().put(data, i, cnt);
                    out.write(chunk, 0, 4 * cnt);
                }
            }
        });
    }

    private static byte[] header(Map<String, String> metadata, List<Source> sorted) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        var seen = new HashSet<String>();
        long offset = 0;
        for (Source s : sorted) {
            if (s.name().equals("__metadata__") || !seen.add(s.name())) {
                throw new IllegalArgumentException("tensor name '" + s.name() + "' is reserved or repeated");
            }
            ObjectNode t = root.putObject(s.name());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (long d : s.shape()) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor '" + s.name() + "': negative dimension in " + Arrays.toString(s.shape()));
                }
                shape.add(d);
            }
            long end = offset + 4 * TensorInfo.numel(s.shape());
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
