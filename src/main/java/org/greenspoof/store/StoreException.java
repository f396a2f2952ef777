package org.greenspoof.store;

import java.io.IOException;
import java.nio.file.Path;
import org.greenspoof.io.FileFormatException;

/** A store file that is missing, unwritable or not what the store format requires; the message names it. */
public class StoreException extends IOException {

    public StoreException(Path file, String message) {
        super(file + ": " + FileFormatException.oneLine(message));
    }

    /** An error on one line (from 1) of the journal. */
    static StoreException atLine(Path file, int line, String message) {
        return new StoreException(Path.of(file + ":" + line), message);
    }
}
