package org.greenspoof.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The safetensors file(s) holding a checkpoint's tensors: {@code model.safetensors}, or the shards
 * that {@code model.safetensors.index.json} lists (transformers splits weights above its
 * {@code max_shard_size}, 5 GB by default, e.g. the 2-billion-parameter XLS-R in float32).
 * Tensor names are unique across shards.
 */
public final class WeightFiles implements Closeable {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String TORCH_SINGLE = "pytorch_model.bin";
    public static final String TORCH_INDEX = "pytorch_model.bin.index.json";

    private static final Logger LOG = Logger.getLogger(WeightFiles.class.getName());

    private final Path source;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;
    private String sha256;

    private WeightFiles(Path source, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
        this.source = source;
        this.files = files;
        this.byName = byName;
    }

    /** The weights of checkpoint folder {@code dir}: its single file, else its sharded index. */
    public static WeightFiles open(Path dir) throws IOException {
        Path single = dir.resolve(SINGLE), index = dir.resolve(INDEX);
        if (Files.isRegularFile(single)) {
            if (Files.isRegularFile(index)) {
                // transformers' order too; but a stale or converted single file changes the identity.
                LOG.warning(dir + ": both " + SINGLE + " and " + INDEX + " exist; reading " + SINGLE
                        + " (remove it to read the shards)");
            }
            return of(single);
        }
        if (Files.isRegularFile(index)) {
            return of(index);
        }
        String hint = "";
        for (String torch : List.of(TORCH_SINGLE, TORCH_INDEX)) {
            if (Files.exists(dir.resolve(torch))) {
                hint = "; convert the PyTorch weights first: greenspoof convert " + dir.resolve(torch) + " " + single;
            }
        }
        throw new NoSuchFileException(dir + ": no " + SINGLE + " or " + INDEX + hint);
    }

    /** A single safetensors file, or a shard index (a name ending in {@code .index.json}). */
    public static WeightFiles of(Path file) throws IOException {
        if (!isIndex(file)) {
            SafetensorsFile st = SafetensorsFile.open(file);
            Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
            st.names().forEach(n -> byName.put(n, st));
            return new WeightFiles(file, List.of(st), Collections.unmodifiableMap(byName));
        }
        ShardIndex index = ShardIndex.read(file);
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (Path shard : index.shards()) {
                files.add(SafetensorsFile.open(shard));
            }
            index.checkAgainst(files.stream().map(SafetensorsFile::names).toList());
        } catch (IOException | RuntimeException e) {
            closeAll(files, e);
            throw e;
        }
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        for (SafetensorsFile f : files) {
            f.names().forEach(n -> byName.put(n, f));
        }
        return new WeightFiles(file, List.copyOf(files), Collections.unmodifiableMap(byName));
    }

    /** True for a shard index ({@code *.index.json}). */
    public static boolean isIndex(Path file) {
        return file.getFileName().toString().endsWith(".index.json");
    }

    /** The single file, or the index of the shards: what messages about the whole set name. */
    public Path source() {
        return source;
    }

    public List<SafetensorsFile> files() {
        return files;
    }

    /** Tensor names, shard by shard in header order. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The tensor called {@code name}, or null when absent. */
    public TensorInfo info(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? null : f.info(name);
    }

    /** The file that holds {@code name}. */
    public Path fileOf(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? source : f.file();
    }

    /** As {@link SafetensorsFile#readFloats(String, float[])}. */
    public float[] readFloats(String name, float[] into) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException(source + ": no tensor '" + name + "'");
        }
        return f.readFloats(name, into);
    }

    /** Bytes of all weight files. */
    public long bytes() throws IOException {
        long n = 0;
        for (SafetensorsFile f : files) {
            n += Files.size(f.file());
        }
        return n;
    }

    /**
     * Lower-case hex SHA-256 of the weights: of the file's bytes, or for shards of their bytes one
     * after the other in name order (the checkpoint's identity in stores and model files).
     */
    public synchronized String sha256() throws IOException {
        if (sha256 == null) {
            sha256 = sha256(files.stream().map(SafetensorsFile::file).toList());
        }
        return sha256;
    }

    /** Lower-case hex SHA-256 of the files' bytes, one after the other. */
    public static String sha256(List<Path> files) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (Path file : files) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    md.update(buf);
                    buf.clear();
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void close() throws IOException {
        IOException first = closeAll(files, null);
        if (first != null) {
            throw first;
        }
    }

    /**
     * Closes every one of {@code files}, whatever fails. Failures are added to {@code pending} (the
     * error being handled) when there is one, else the first is returned.
     */
    static IOException closeAll(List<? extends Closeable> files, Throwable pending) {
        IOException first = null;
        for (Closeable f : files) {
            try {
                f.close();
            } catch (IOException e) {
                if (pending != null) {
                    pending.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
