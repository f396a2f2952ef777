package org.greenspoof.audio.flac;

import java.nio.file.Path;
import org.greenspoof.io.FileFormatException;

/**
 * The decoder ran out of bytes: at the end of the file a truncated file, inside a window of a
 * file being streamed only a sign that the window must grow (the frame is then decoded again).
 */
final class Truncated extends FileFormatException {
    Truncated(Path file, long end, String what) {
        super(file, end, what + ": the file is truncated");
    }
}
