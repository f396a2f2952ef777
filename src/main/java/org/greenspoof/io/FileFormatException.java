package org.greenspoof.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file whose content is not what its format requires. The message names the file, the byte
 * offset where reading went wrong and what was expected there, so a user can find the damage.
 */
public class FileFormatException extends IOException {

    private final transient Path file;
    private final long offset;
    private final String expected;

    public FileFormatException(Path file, long offset, String expected) {
        super(file + ": at byte " + offset + ": expected " + oneLine(expected));
        this.file = file;
        this.offset = offset;
        this.expected = expected;
    }

    /**
     * {@code s} with control characters written as {@code \xNN}: messages quote bytes from the file
     * (chunk ids, header text, names), and a newline among them must not split the one-line error.
     */
    public static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append(String.format("\\x%02x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    public Path file() {
        return file;
    }

    /** Byte offset from the start of the file. */
    public long offset() {
        return offset;
    }

    /** What the format requires at {@link #offset()}. */
    public String expected() {
        return expected;
    }
}
