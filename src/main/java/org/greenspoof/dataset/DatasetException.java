package org.greenspoof.dataset;

import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.io.TextFiles;

/** A corpus that is not laid out or listed as its format requires; the message says where and what. */
public class DatasetException extends IOException {

    public DatasetException(String message) {
        super(message);
    }

    /**
     * A protocol or list that is not UTF-8 (a reader met a malformed byte sequence), naming the line
     * that holds it.
     */
    public static DatasetException notUtf8(Path file) throws IOException {
        long line = TextFiles.firstNonUtf8Line(file);
        return new DatasetException(file + (line > 0 ? ":" + line : "") + ": expected UTF-8 text, found bytes that are "
                + "not UTF-8 (save the file as UTF-8)");
    }

    /** An error on one line of a protocol or list file (lines counted from 1). */
    public static DatasetException atLine(Path file, int line, String message) {
        return new DatasetException(file + ":" + line + ": " + FileFormatException.oneLine(message));
    }
}
