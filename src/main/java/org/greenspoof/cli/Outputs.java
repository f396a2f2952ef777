package org.greenspoof.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work starts, that an output can be written where the user asked, so that a
 * typo in a folder name costs a second rather than a training run, and the message names the folder.
 */
final class Outputs {
    private Outputs() {
    }

    /** A file the command writes (replacing it if it exists); its folder must exist and be writable. */
    static void checkFile(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a folder; expected a file name");
        }
        Path folder = file.toAbsolutePath().normalize().getParent();
        if (!Files.exists(folder)) {
            throw new IllegalArgumentException(option + " " + file + ": the folder " + folder + " does not exist");
        }
        checkFolder(option, file, folder);
    }

    /** A folder the command creates if needed (with its parents): the nearest existing one must be writable. */
    static void checkFolderToCreate(String option, Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p != null) {
            checkFolder(option, dir, p);
        }
    }

    private static void checkFolder(String option, Path given, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + given + ": " + folder + " is not a folder");
        }
        if (!Files.isWritable(folder)) {
            throw new IllegalArgumentException(option + " " + given + ": the folder " + folder + " is not writable");
        }
    }
}
