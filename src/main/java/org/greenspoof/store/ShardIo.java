package org.greenspoof.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A shard is a NumPy {@code .npy} (format 1.0) file holding a little-endian float32 array
 * {@code [utterances][layers][dim]} in C order, so {@code numpy.load} reads it directly. The store's
 * index keeps the CRC-32 of the whole file, checked on every read.
 */
final class ShardIo {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    private ShardIo() {
    }

    /** The shard's bytes. */
    static byte[] encode(float[][][] v, int layers, int dim) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + v.length + ", " + layers + ", " + dim
                + "), }";
        int headerLen = MAGIC.length + 2 + dict.length() + 1;
        int pad = (ALIGN - headerLen % ALIGN) % ALIGN;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + header.length() + 4 * v.length * layers * dim)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[][] utt : v) {
            for (float[] layer : utt) {
                if (layer.length != dim) {
                    throw new IllegalArgumentException("vector of length " + layer.length + ", store dim " + dim);
                }
                for (float x : layer) {
                    b.putFloat(x);
                }
            }
        }
        return b.array();
    }

    static long crc32(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return c.getValue();
    }

    /**
     * Reads layer {@code layerIndex} of a shard written by {@link #encode}: {@code [n][dim]}. Checks the
     * shape always and the checksum when {@code verify} (once per shard and process is enough).
     */
    static float[][] readLayer(Path file, long crc32, boolean verify, int n, int layers, int dim, int layerIndex)
            throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (verify && crc32(bytes) != crc32) {
            throw new IOException(file + ": damaged shard: its CRC-32 is " + Long.toHexString(crc32(bytes))
                    + ", the store index recorded " + Long.toHexString(crc32));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = bytes.length < MAGIC.length + 2 ? 0 : b.getShort(MAGIC.length) & 0xffff;
        int dataStart = MAGIC.length + 2 + headerLen;
        String header = new String(bytes, 0, Math.min(dataStart, bytes.length), StandardCharsets.US_ASCII);
        String shape = "'shape': (" + n + ", " + layers + ", " + dim + ")";
        if (!header.contains(shape) || !header.contains("'<f4'") || bytes.length != dataStart + 4L * n * layers * dim) {
            throw new IOException(file + ": expected a '<f4' .npy array of " + shape);
        }
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            b.position(dataStart + 4 * (i * layers + layerIndex) * dim);
            b.asFloatBuffer().get(out[i]);
        }
        return out;
    }
}
