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
        super(file + ": at byte " + offset + ": expected " + expected);
        this.file = file;
        this.offset = offset;
        this.expected = expected;
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
