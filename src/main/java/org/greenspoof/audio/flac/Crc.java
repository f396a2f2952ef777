package org.greenspoof.audio.flac;

/** The two checksums of a FLAC frame, table-driven, MSB first, initial value 0. */
final class Crc {

    /** CRC-8 of the frame header: polynomial x^8 + x^2 + x + 1. */
    private static final int[] CRC8 = new int[256];
    /**
     * CRC-16 of the whole frame: polynomial x^16 + x^15 + x^2 + 1. {@code CRC16[k][b]} is the CRC
     * of byte b followed by k zero bytes, so that eight bytes fold in at once (slicing-by-8): the
     * frame CRC covers the whole file, and byte-at-a-time it cost a fifth of the decoding time.
     */
    private static final int[][] CRC16 = new int[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            int d = i << 8;
            for (int b = 0; b < 8; b++) {
                c = ((c & 0x80) != 0 ? (c << 1) ^ 0x07 : c << 1) & 0xFF;
                d = ((d & 0x8000) != 0 ? (d << 1) ^ 0x8005 : d << 1) & 0xFFFF;
            }
            CRC8[i] = c;
            CRC16[0][i] = d;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                int prev = CRC16[k - 1][i];
                CRC16[k][i] = ((prev << 8) & 0xFFFF) ^ CRC16[0][prev >>> 8];
            }
        }
    }

    private Crc() {
    }

    static int crc8(byte[] data, int from, int to) {
        int c = 0;
        for (int i = from; i < to; i++) {
            c = CRC8[(c ^ data[i]) & 0xFF];
        }
        return c;
    }

    static int crc16(byte[] data, int from, int to) {
        int[] t0 = CRC16[0];
        int c = 0;
        int i = from;
        // The CRC is linear: the register XORs into the first two bytes, each byte then
        // contributes its own table entry for the number of bytes that follow it.
        for (; i + 8 <= to; i += 8) {
            c = CRC16[7][((c >>> 8) ^ data[i]) & 0xFF] ^ CRC16[6][(c ^ data[i + 1]) & 0xFF]
                    ^ CRC16[5][data[i + 2] & 0xFF] ^ CRC16[4][data[i + 3] & 0xFF]
                    ^ CRC16[3][data[i + 4] & 0xFF] ^ CRC16[2][data[i + 5] & 0xFF]
                    ^ CRC16[1][data[i + 6] & 0xFF] ^ t0[data[i + 7] & 0xFF];
        }
        for (; i < to; i++) {
            c = ((c << 8) & 0xFFFF) ^ t0[((c >>> 8) ^ data[i]) & 0xFF];
        }
        return c;
    }
}
