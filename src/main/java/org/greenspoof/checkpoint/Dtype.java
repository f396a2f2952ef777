package org.greenspoof.checkpoint;

/**
 * The element types of the safetensors format (names exactly as in the header). All can be listed;
 * {@link SafetensorsFile#readFloats} decodes the floating types and the common integer ones.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype named {@code s} in a header, or null when the format has no such dtype. */
    static Dtype parse(String s) {
        for (Dtype d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        return null;
    }
}
