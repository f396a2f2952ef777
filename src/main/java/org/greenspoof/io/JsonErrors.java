package org.greenspoof.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.io.IOException;
import java.util.regex.Pattern;

/** Jackson's parse errors as one line for a message that already names the file. */
public final class JsonErrors {
    /** Jackson cites nested locations as "[Source: REDACTED (...); line: L, column: C]"; the file is named by the caller. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*(?:\\([^)]*\\))?; (line: \\d+, column: \\d+)\\]");

    private JsonErrors() {
    }

    /**
     * "line L, column C: what Jackson says", without source citations and on one line. Takes any
     * IOException (Jackson's are; its decoders also throw plain ones) so that no Jackson type is
     * part of the public API.
     */
    public static String describe(IOException e) {
        JsonLocation loc = e instanceof JacksonException j ? j.getLocation() : null;
        String raw = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        String what = raw == null ? e.getClass().getSimpleName() : raw;
        what = SOURCE.matcher(what.lines().findFirst().orElse("")).replaceAll("$1");
        return (loc != null && loc.getLineNr() > 0 ? "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " : "")
                + FileFormatException.oneLine(what);
    }
}
