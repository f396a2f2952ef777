package org.greenspoof.audio.flac;

/** The two checksums of a FLAC frame, table-driven, MSB first, initial value 0. */
final class Crc {

    /** CRC-8 of the frame header: polynomial x^8 + x^2 + x + 1. */
    private static final int[] CRC8 = new int[256];
    /** CRC-16 of the whole frame: polynomial x^16 + x^15 + x^2 + 1. */
    private static final int[] CRC16 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            int d = i << 8;
            for (int b = 0; b < 8; b++) {
                c = ((c & 0x80) != 0 ? (c << 1) ^ 0x07 : c << 1) & 0xFF;
                d = ((d & 0x8000) != 0 ? (d << 1) ^ 0x8005 : d << 1) & 0xFFFF;
            }
            CRC8[i] = c;
            CRC16[i] = d;
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
        int c = 0;
        for (int i = from; i < to; i++) {
            c = ((c << 8) & 0xFFFF) ^ CRC16[((c >>> 8) ^ data[i]) & 0xFF];
        }
        return c;
    }
}
