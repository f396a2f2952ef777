package org.greenspoof.report;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What went wrong with one input file, in words and without the file's name (the caller names it
 * once): the decoders' messages start with the path, the JDK's consist of it.
 */
public final class FileProblem {
    private FileProblem() {
    }

    public static String describe(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        String prefix = file + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
