package org.greenspoof.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index transformers' {@code save_pretrained} writes beside weights it split into shards
 * ({@code model.safetensors.index.json} or {@code pytorch_model.bin.index.json}):
 * {@code {"metadata": {...}, "weight_map": {tensor name: shard file name}}}. The shards are plain
 * file names in the index's folder, taken in name order (NAME-00001-of-0000N first); the metadata
 * (a {@code total_size}) is not needed.
 */
public record ShardIndex(Path file, Map<String, String> weightMap, List<Path> shards) {

    /** The index as {@link JsonBinding} binds it (in file order: the map is a LinkedHashMap). */
    static final class Fields {
        public Map<String, String> weightMap;
    }

    public static ShardIndex read(Path index) throws IOException {
        Fields f;
        try {
            f = JsonBinding.bind(JsonBinding.readObject(index, Files.readAllBytes(index), "a JSON shard index"), Fields.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(index + ": " + e.getMessage(), e);
        }
        if (f.weightMap == null || f.weightMap.isEmpty()) {
            throw new IllegalArgumentException(index + ": expected a non-empty object \"weight_map\" "
                    + "(tensor name -> shard file name), as transformers' save_pretrained writes");
        }
        List<Path> shards = new ArrayList<>();
        Path dir = index.toAbsolutePath().getParent();
        for (Map.Entry<String, String> e : f.weightMap.entrySet()) {
            String shard = e.getValue();
            if (!isPlainFileName(dir, shard)) {
                throw new IllegalArgumentException(index + ": weight_map entry '" + e.getKey()
                        + "' must name a shard file in the index's folder, found \"" + shard + "\"");
            }
            Path p = dir.resolve(shard);
            if (!shards.contains(p)) {
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException(index + ": shard " + p + " (of '" + e.getKey()
                            + "') does not exist; download every file the index names");
                }
                shards.add(p);
            }
        }
        shards.sort(null);
        return new ShardIndex(index, Collections.unmodifiableMap(f.weightMap), List.copyOf(shards));
    }

    /** A name that resolves to a file directly inside {@code dir} on this platform (no separator, drive or "..") . */
    private static boolean isPlainFileName(Path dir, String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains(":")) {
            return false;
        }
        try {
            Path base = dir.normalize(), p = base.resolve(name).normalize();
            return base.equals(p.getParent()) && p.getFileName().toString().equals(name);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * Checks that the shards hold exactly what the index says: each listed tensor in its shard, and
     * no shard tensor the index does not assign to that shard (a mixed-up or partial download).
     *
     * @param shardNames the tensor names of each shard, in {@link #shards()} order
     */
    public void checkAgainst(List<? extends Iterable<String>> shardNames) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            Path shard = shards.get(i);
            for (String name : shardNames.get(i)) {
                String listed = weightMap.get(name);
                if (listed == null || !shard.getFileName().toString().equals(listed)) {
                    throw new IllegalArgumentException(file + ": shard " + shard + " holds tensor '" + name + "', which "
                            + (listed == null ? "the weight_map does not list" : "the weight_map puts in " + listed));
                }
                found.put(name, shard);
            }
        }
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (!found.containsKey(e.getKey())) {
                throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' is not in its shard "
                        + e.getValue());
            }
        }
    }
}
