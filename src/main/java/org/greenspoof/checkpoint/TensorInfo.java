package org.greenspoof.checkpoint;

import java.util.Arrays;

/**
 * One tensor of a safetensors file: name, dtype (as the header spells it), shape, and its byte range
 * {@code [begin, end)} relative to the start of the data section.
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

    /** Element count: the product of the shape (1 for a scalar {@code []}). */
    public long numel() {
        return numel(shape);
    }

    /** Product of {@code shape} (1 for a scalar); throws ArithmeticException on overflow. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
