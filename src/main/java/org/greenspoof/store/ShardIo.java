package org.greenspoof.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.greenspoof.io.Npy;

/**
 * A shard is a NumPy {@code .npy} file ({@link Npy}: little-endian float32, C order) holding
 * {@code [utterances][layers][dim]}, so {@code numpy.load} reads it directly. The store's index keeps
 * the CRC-32 of the whole file, checked before a shard is first used.
 */
final class ShardIo {
    private ShardIo() {
    }

    /** Writes the shard atomically and returns its CRC-32. */
    static long write(Path file, float[][][] vectors) throws IOException {
        Npy.write(file, vectors);
        return crc32(file);
    }

    static long crc32(Path file) throws IOException {
        CRC32 c = new CRC32();
        try {
            c.update(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw missing(file);
        }
        return c.getValue();
    }

    private static StoreException missing(Path file) {
        return new StoreException(file, "missing shard: the store index lists it but the file is gone (rerun embed "
                + "on the store to embed its utterances again)");
    }

    /**
     * Reads layer {@code layerIndex} of a shard: {@code [n][dim]}. Checks the shape always and the
     * checksum when {@code verify} (once per shard and process is enough).
     */
    static float[][] readLayer(Path file, long crc32, boolean verify, int n, int layers, int dim, int layerIndex)
            throws IOException {
        float[] data = readChecked(file, crc32, verify, n, layers, dim);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            int from = (i * layers + layerIndex) * dim;
            out[i] = Arrays.copyOfRange(data, from, from + dim);
        }
        return out;
    }

    /** Reads a whole shard, checksum included: {@code [n][layers][dim]}. */
    static float[][][] readAll(Path file, long crc32, int n, int layers, int dim) throws IOException {
        float[] data = readChecked(file, crc32, true, n, layers, dim);
        float[][][] out = new float[n][layers][];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < layers; l++) {
                int from = (i * layers + l) * dim;
                out[i][l] = Arrays.copyOfRange(data, from, from + dim);
            }
        }
        return out;
    }

    private static float[] readChecked(Path file, long crc32, boolean verify, int n, int layers, int dim)
            throws IOException {
        if (verify) {
            long actual = crc32(file);
            if (actual != crc32) {
                throw new StoreException(file, "damaged shard: its CRC-32 is " + Long.toHexString(actual)
                        + ", the store index recorded " + Long.toHexString(crc32) + " (rerun embed on the store to embed "
                        + "its utterances again)");
            }
        }
        Npy.Array a;
        try {
            a = Npy.read(file);
        } catch (NoSuchFileException e) {
            throw missing(file);
        }
        long[] expected = {n, layers, dim};
        if (!Arrays.equals(a.shape(), expected)) {
            throw new StoreException(file, "expected a shard of shape " + Arrays.toString(expected) + ", found "
                    + Arrays.toString(a.shape()));
        }
        return a.data();
    }
}
