package org.greenspoof.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.io.JsonErrors;

/**
 * A spec-strict reader of the safetensors format: u64 little-endian header length, a JSON header
 * (at most {@value #MAX_HEADER_BYTES} bytes) mapping names to {@code dtype}, {@code shape} and
 * {@code data_offsets} (relative to the data start) plus an optional {@code __metadata__} string map,
 * then the tensor bytes. The offsets must tile the data section exactly: sorted, they start at 0,
 * have no holes or overlaps and end at the end of the file; each tensor's byte length is its dtype
 * size times its element count. All of this is checked in {@link #open}, so a later read cannot
 * fall outside the file.
 *
 * <p>Tensors are read with positional reads in chunks of at most {@link #DEFAULT_CHUNK} bytes, not
 * memory-mapped: pages of a mapping that loading touched would stay in the process's resident set
 * until the garbage collector happened to unmap them (a whole model's worth, next to the weights
 * already copied to the heap). Instances are safe for concurrent reads.
 */
public final class SafetensorsFile implements Closeable {

    /** The format's limit on the header, which also bounds what a hostile file can make us allocate. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Bytes read and decoded per step when a tensor is read; a multiple of every element size. */
    static final long DEFAULT_CHUNK = 1 << 16;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long dataStart;
    private final int chunk;

    private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata, long dataStart, int chunk) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
        this.dataStart = dataStart;
        this.chunk = chunk;
    }

    /** Opens and validates {@code file}; throws {@link FileFormatException} naming the defect. */
    public static SafetensorsFile open(Path file) throws IOException {
        return open(file, DEFAULT_CHUNK);
    }

    /** As {@link #open(Path)} with a chosen read chunk, so tests can split tensors into many reads. */
    static SafetensorsFile open(Path file, long chunk) throws IOException {
        if (chunk <= 0 || chunk % 8 != 0 || chunk > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 8 below 2 GB: " + chunk);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 8) {
                throw new FileFormatException(file, size, "an 8-byte header length (file has " + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new FileFormatException(file, 0, "a header length between 2 and " + MAX_HEADER_BYTES
                        + " bytes, found " + Long.toUnsignedString(headerLen));
            }
            if (headerLen > size - 8) {
                throw new FileFormatException(file, 0, "a header length within the file (" + (size - 8)
                        + " bytes after the length field), found " + headerLen + " (truncated file?)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, file);
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, header.array(), dataLen, metadata);
            return new SafetensorsFile(file, ch, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata), dataStart, (int) chunk);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos, Path file) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos + dst.position());
            if (r < 0) {
                throw new FileFormatException(file, pos + dst.position(), "more bytes (unexpected end of file)");
            }
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, byte[] header, long dataLen,
            Map<String, String> metadataOut) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) { // Jackson's, or a decoder's when the first bytes made it guess UTF-16/32
            long at = 8 + (e instanceof JacksonException j && j.getLocation() != null ? Math.max(0, j.getLocation().getByteOffset()) : 0);
            throw new FileFormatException(file, at, "a valid JSON header (" + JsonErrors.describe(e) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new FileFormatException(file, 8, "a JSON object as header");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA)) {
                if (!v.isObject()) {
                    throw new FileFormatException(file, 8, "__metadata__ to be an object of strings");
                }
                for (Map.Entry<String, JsonNode> kv : v.properties()) {
                    if (!kv.getValue().isTextual()) {
                        throw new FileFormatException(file, 8, "__metadata__ value of '" + kv.getKey() + "' to be a string");
                    }
                    metadataOut.put(kv.getKey(), kv.getValue().textValue());
                }
                continue;
            }
            tensors.put(name, parseEntry(file, name, v, dataLen));
        }
        checkTiling(file, tensors.values(), dataLen, 8 + header.length);
        return tensors;
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLen) throws IOException {
        String where = "tensor '" + name + "': ";
        if (!v.isObject() || v.size() != 3 || !v.has("dtype") || !v.has("shape") || !v.has("data_offsets")) {
            throw new FileFormatException(file, 8, where + "an object with exactly dtype, shape and data_offsets");
        }
        JsonNode dt = v.get("dtype");
        Dtype dtype = dt.isTextual() ? Dtype.parse(dt.textValue()) : null;
        if (dtype == null) {
            throw new FileFormatException(file, 8, where + "a known dtype (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, "
                    + "F16, BF16, I32, U32, F32, F64, I64, U64), found " + dt);
        }
        JsonNode sh = v.get("shape");
        if (!sh.isArray()) {
            throw new FileFormatException(file, 8, where + "shape to be an array, found " + sh);
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where + "shape", sh.get(i));
        }
        JsonNode off = v.get("data_offsets");
        if (!off.isArray() || off.size() != 2) {
            throw new FileFormatException(file, 8, where + "data_offsets to be [begin, end], found " + off);
        }
        long begin = nonNegativeLong(file, where + "data_offsets", off.get(0));
        long end = nonNegativeLong(file, where + "data_offsets", off.get(1));
        if (end < begin) {
            throw new FileFormatException(file, 8, where + "data_offsets begin <= end, found [" + begin + ", " + end + "]");
        }
        if (end > dataLen) {
            throw new FileFormatException(file, 8, where + "data_offsets end " + end + " within the data section of "
                    + dataLen + " bytes (truncated file?)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorInfo.numel(shape), dtype.size());
        } catch (ArithmeticException e) {
            throw new FileFormatException(file, 8, where + "a shape whose byte size fits in 64 bits");
        }
        if (bytes != end - begin) {
            throw new FileFormatException(file, 8, where + bytes + " bytes (" + dtype + " x " + TensorInfo.numel(shape)
                    + " elements), but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype.name(), shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String what, JsonNode n) throws IOException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new FileFormatException(file, 8, what + ": non-negative integers, found " + n);
        }
        return n.longValue();
    }

    /** Sorted by position the tensors must cover [0, dataLen) exactly once. */
    private static void checkTiling(Path file, Iterable<TensorInfo> infos, long dataLen, long dataStart)
            throws IOException {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expect = 0;
        String prev = "the data start";
        for (TensorInfo t : sorted) {
            if (t.begin() != expect) {
                throw new FileFormatException(file, dataStart + t.begin(), "tensor '" + t.name() + "' to begin at data offset "
                        + expect + " right after " + prev + (t.begin() < expect ? " (overlap)" : " (hole)")
                        + ", found " + t.begin());
            }
            expect = t.end();
            prev = "'" + t.name() + "'";
        }
        if (expect != dataLen) {
            throw new FileFormatException(file, dataStart + expect, "the end of file after the last tensor, found "
                    + (dataLen - expect) + " more bytes");
        }
    }

    public Path file() {
        return file;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The tensor called {@code name}, or null when absent. */
    public TensorInfo info(String name) {
        return tensors.get(name);
    }

    /** The {@code __metadata__} map (empty when the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensor's elements in C order as float32: F32 as is, F16 and BF16 exactly, F64 rounded,
     * I64/I32 converted as by a Java cast.
     *
     * @throws IllegalArgumentException when absent, of another dtype, or over 2^31-1 elements
     */
    public float[] readFloats(String name) {
        return readFloats(name, null);
    }

    /**
     * As {@link #readFloats(String)}, into {@code into} (its first numel elements) when it is large
     * enough, else into a new array; returns the array written.
     */
    public float[] readFloats(String name, float[] into) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        }
        Dtype d = Dtype.valueOf(t.dtype());
        if (d != Dtype.F32 && d != Dtype.F16 && d != Dtype.BF16 && d != Dtype.F64 && d != Dtype.I64 && d != Dtype.I32) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has dtype " + d
                    + "; readable as float: F32, F16, BF16, F64, I64, I32");
        }
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has " + n + " elements, more than a Java array holds");
        }
        float[] out = into != null && into.length >= n ? into : new float[(int) n];
        int perChunk = chunk / d.size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunk, n * d.size())).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + t.begin();
        try {
            for (int done = 0; done < n; ) {
                int cnt = (int) Math.min(perChunk, n - done);
                buf.clear().limit(cnt * d.size());
                readFully(channel, buf, pos, file);
                decode(d, buf.flip(), out, done, cnt);
                done += cnt;
                pos += (long) cnt * d.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": reading tensor '" + name + "': " + e.getMessage(), e);
        }
        return out;
    }

    private static void decode(Dtype d, ByteBuffer bb, float[] out, int at, int cnt) {
        switch (d) {
            case F32 -> bb.asFloatBuffer().get(out, at, cnt);
            case F16 -> {
                for (int i = 0; i < cnt; i++) {
                    out[at + i] = Half.toFloat(bb.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < cnt; i++) {
                    out[at + i] = Float.intBitsToFloat((bb.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < cnt; i++) {
                    out[at + i] = (float) bb.getDouble(8 * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < cnt; i++) {
                    out[at + i] = bb.getLong(8 * i);
                }
            }
            case I32 -> {
                for (int i = 0; i < cnt; i++) {
                    out[at + i] = bb.getInt(4 * i);
                }
            }
            default -> throw new AssertionError(d);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
