package org.greenspoof.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** A corpus that is not laid out or listed as its format requires; the message says where and what. */
public class DatasetException extends IOException {

    public DatasetException(String message) {
        super(message);
    }

    /** An error on one line of a protocol or list file (lines counted from 1). */
    public static DatasetException atLine(Path file, int line, String message) {
        return new DatasetException(file + ":" + line + ": " + message);
    }
}
