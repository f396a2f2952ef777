package org.greenspoof.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.greenspoof.io.FileFormatException;

/**
 * A state dict saved by {@code torch.save} (torch >= 1.6 zip format: {@code <top>/data.pkl} plus one
 * {@code <top>/data/<key>} entry per storage, whatever the top folder is called), read without
 * Python: the pickle goes through {@link Unpickler}, which refuses everything but tensors, storages
 * and ordered dicts. Tensors keep their storage offset, sizes and strides, so views, transposes and
 * storages shared by several tensors read exactly as torch sees them. Storages are read on demand,
 * one tensor at a time.
 */
public final class TorchCheckpoint implements Closeable {

    /** Limit on data.pkl; a state dict's pickle is a few hundred KB even for the largest models. */
    static final long MAX_PICKLE_BYTES = 256L * 1024 * 1024;
    /** Deflate cannot expand data more than about 1032:1, so a larger claim is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    /** One tensor: name, storage dtype, shape and where its elements are. */
    public record Tensor(String name, Dtype dtype, long[] shape, Unpickler.TensorRef ref) {
        public long numel() {
            return TensorInfo.numel(shape);
        }
    }

    private final Path file;
    private final ZipFile zip;
    private final String top;
    private final long archiveSize;
    private final Map<String, Tensor> tensors;

    private TorchCheckpoint(Path file, ZipFile zip, String top, long archiveSize, Map<String, Tensor> tensors) {
        this.file = file;
        this.zip = zip;
        this.top = top;
        this.archiveSize = archiveSize;
        this.tensors = tensors;
    }

    /** Opens {@code file} and reads its pickle; storages are read later by {@link #readFloats}. */
    public static TorchCheckpoint open(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && Arrays.equals(head, ZIP_MAGIC)) {
                // fall through to the zip reader
            } else if (n >= 1 && (head[0] & 0xff) == 0x80) {
                throw new FileFormatException(file, 0, "the zip format of torch >= 1.6; this is the legacy torch.save "
                        + "format, which is unsupported: re-save it with torch >= 1.6 (torch.save(torch.load(f), f))");
            } else {
                throw new FileFormatException(file, 0, "a PyTorch checkpoint (a zip archive starting with PK\\3\\4)");
            }
        }
        long archiveSize = Files.size(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new FileFormatException(file, 0, "a readable zip archive (" + (e.getMessage() != null
                    ? e.getMessage() : "no end of central directory") + ")");
        }
        try {
            String top = topFolder(file, zip);
            ZipEntry byteorder = find(file, zip, top + "byteorder");
            if (byteorder != null) {
                String order = new String(readEntry(file, zip, byteorder, archiveSize, 16), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) {
                    throw new FileFormatException(file, 0, "little-endian storages (" + top + "byteorder), found '" + order + "'");
                }
            }
            ZipEntry pklEntry = find(file, zip, top + "data.pkl");
            Path pklName = entry(file, top + "data.pkl");
            Object root = Unpickler.load(pklName, readEntry(file, zip, pklEntry, archiveSize, MAX_PICKLE_BYTES));
            if (!(root instanceof Map<?, ?> dict)) {
                throw new FileFormatException(pklName, 0, "a state dict (an OrderedDict of tensors), found " + Unpickler.describe(root));
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw new FileFormatException(pklName, 0, "string keys in the state dict, found " + Unpickler.describe(e.getKey()));
                }
                if (!(e.getValue() instanceof Unpickler.TensorRef ref)) {
                    throw new FileFormatException(pklName, 0, "a tensor under '" + name + "', found " + Unpickler.describe(e.getValue()));
                }
                checkView(pklName, name, ref);
                tensors.put(name, new Tensor(name, ref.storage().dtype(), ref.size().clone(), ref));
            }
            return new TorchCheckpoint(file, zip, top, archiveSize, Collections.unmodifiableMap(tensors));
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /**
     * {@code archive!entry}, how messages name an entry. Entry names come from the archive and may
     * hold a NUL or control characters, which no path may; those are written as {@code \xNN}.
     */
    private static Path entry(Path file, String name) {
        return Path.of(file + "!", FileFormatException.oneLine(name));
    }

    /** The single {@code <top>/data.pkl} decides the top folder, whatever torch named it. */
    private static String topFolder(Path file, ZipFile zip) throws FileFormatException {
        List<String> pkls = new ArrayList<>();
        try {
            zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
                    .forEach(pkls::add);
        } catch (IllegalArgumentException e) {
            throw undecodable(file, e);
        }
        if (pkls.size() != 1) {
            throw new FileFormatException(file, 0, "exactly one <folder>/data.pkl entry (torch.save zip format), found "
                    + (pkls.isEmpty() ? "none" : pkls));
        }
        return pkls.get(0).substring(0, pkls.get(0).length() - "data.pkl".length());
    }

    /** The entry called {@code name}, or null. */
    private static ZipEntry find(Path file, ZipFile zip, String name) throws FileFormatException {
        try {
            return zip.getEntry(name);
        } catch (IllegalArgumentException e) {
            throw undecodable(file, e);
        }
    }

    /**
     * The JDK checks entry names when it opens an archive, but decodes them (and comments) only when
     * an entry is looked at, and then throws an IllegalArgumentException naming no file.
     */
    private static FileFormatException undecodable(Path file, IllegalArgumentException e) {
        return new FileFormatException(file, 0, "entry names and comments in UTF-8 (" + e.getMessage() + ")");
    }

    /**
     * Every element the view addresses must lie inside its storage, with strides of zero or more
     * (torch has no negative strides) and no more elements than the storage holds: a state dict
     * never holds a broadcast ({@code expand}ed) view, and one of 762 bytes could otherwise ask for
     * gigabytes of output.
     */
    private static void checkView(Path pkl, String name, Unpickler.TensorRef ref) throws FileFormatException {
        long numel;
        long last = ref.offset();
        try {
            numel = TensorInfo.numel(ref.size());
            for (int d = 0; d < ref.size().length; d++) {
                if (ref.stride()[d] < 0) {
                    throw new FileFormatException(pkl, 0, "tensor '" + name + "': strides of 0 or more, found "
                            + Arrays.toString(ref.stride()));
                }
                if (ref.size()[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(ref.size()[d] - 1, ref.stride()[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new FileFormatException(pkl, 0, "tensor '" + name + "': sizes and strides within 64 bits");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(pkl, 0, "tensor '" + name + "': at most 2^31 elements, found " + numel);
        }
        if (numel > ref.storage().numel()) {
            throw new FileFormatException(pkl, 0, "tensor '" + name + "': at most the " + ref.storage().numel()
                    + " elements of its storage, but size " + Arrays.toString(ref.size()) + " and stride "
                    + Arrays.toString(ref.stride()) + " give " + numel + " (an expanded view, which a state dict never holds)");
        }
        if (numel > 0 && (ref.offset() < 0 || last >= ref.storage().numel())) {
            throw new FileFormatException(pkl, 0, "tensor '" + name + "': a view inside its storage of " + ref.storage().numel()
                    + " elements, but offset " + ref.offset() + ", size " + Arrays.toString(ref.size()) + " and stride "
                    + Arrays.toString(ref.stride()) + " reach element " + last);
        }
    }

    /**
     * Reads an entry whose size is bounded both by {@code limit} and by what the archive can hold, so
     * a forged size field cannot make us allocate more than the file could contain.
     */
    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, long archiveSize, long limit) throws IOException {
        Path where = entry(file, e.getName());
        long size = e.getSize();
        long compressed = e.getCompressedSize();
        if (size < 0 || compressed < 0 || compressed > archiveSize
                || size > (e.getMethod() == ZipEntry.STORED ? archiveSize : compressed * MAX_DEFLATE_RATIO + 1024)) {
            throw new FileFormatException(where, 0, "an entry size the archive of " + archiveSize + " bytes can hold, but the entry "
                    + "claims " + size + " bytes (" + compressed + " compressed)");
        }
        if (size > limit || size > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(where, 0, "an entry of at most " + Math.min(limit, Integer.MAX_VALUE - 8)
                    + " bytes, found " + size);
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes((int) size);
            if (data.length != size || in.read() != -1) {
                throw new FileFormatException(where, data.length, "exactly the " + size + " bytes the zip directory states");
            }
            return data;
        } catch (FileFormatException ffe) {
            throw ffe;
        } catch (IOException ioe) {
            // The JDK's zip errors (a local header past the end, a bad signature) may carry no message.
            throw new FileFormatException(where, 0, "a readable zip entry (" + (ioe.getMessage() != null
                    ? ioe.getMessage() : ioe.getClass().getSimpleName()) + ")");
        }
    }

    public Path file() {
        return file;
    }

    /** Tensor names in state-dict order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The tensor called {@code name}, or null. */
    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /** The tensor's elements in C order (following its offset and strides), converted to float32. */
    public float[] readFloats(String name) throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        }
        Unpickler.TensorRef ref = t.ref();
        Unpickler.StorageRef s = ref.storage();
        float[] out = new float[(int) t.numel()];
        if (out.length == 0) {
            return out;
        }
        String entryName = top + "data/" + s.key();
        ZipEntry entry = find(file, zip, entryName);
        if (entry == null) {
            throw new FileFormatException(file, 0, "an entry " + entryName + " holding the storage of '" + name + "'");
        }
        long bytes = s.numel() > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : s.numel() * s.dtype().size();
        if (entry.getSize() != bytes) {
            throw new FileFormatException(entry(file, entryName), 0, bytes + " bytes (" + s.numel() + " x " + s.dtype()
                    + ", as the pickle states), found " + entry.getSize());
        }
        ByteBuffer storage = ByteBuffer.wrap(readEntry(file, zip, entry, archiveSize, bytes)).order(ByteOrder.LITTLE_ENDIAN);
        gather(storage, s.dtype(), ref.offset(), ref.size(), ref.stride(), out);
        return out;
    }

    /** Walks the view in C order; the innermost dimension is a strided run. */
    private static void gather(ByteBuffer storage, Dtype dtype, long offset, long[] size, long[] stride, float[] out) {
        int dims = size.length;
        int inner = dims == 0 ? 1 : (int) size[dims - 1];
        long innerStride = dims == 0 ? 0 : stride[dims - 1];
        long[] index = new long[Math.max(0, dims - 1)];
        int o = 0;
        while (o < out.length) {
            long base = offset;
            for (int d = 0; d < index.length; d++) {
                base += index[d] * stride[d];
            }
            for (int i = 0; i < inner; i++) {
                out[o++] = element(storage, dtype, (int) (base + i * innerStride));
            }
            for (int d = index.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    private static float element(ByteBuffer s, Dtype dtype, int i) {
        return switch (dtype) {
            case F32 -> s.getFloat(4 * i);
            case F16 -> Half.toFloat(s.getShort(2 * i));
            case BF16 -> Float.intBitsToFloat((s.getShort(2 * i) & 0xffff) << 16);
            case F64 -> (float) s.getDouble(8 * i);
            case I64 -> s.getLong(8 * i);
            default -> throw new AssertionError(dtype);
        };
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
