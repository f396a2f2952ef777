package org.greenspoof;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, as {@code greenspoof version} prints it and store and model files
 * record it: the Maven project version and, when built from a git checkout, the commit
 * ({@code "0.1.0-SNAPSHOT (git 1a2b3c4)"}; uncommitted changes are not flagged).
 */
public final class Version {
    private Version() {
    }

    private static final String TEXT = load();

    public static String text() {
        return TEXT;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String commit = filled(p.getProperty("commit"));
        String v = filled(p.getProperty("version"));
        if (v == null) {
            throw new IllegalStateException("version.properties was not filtered by Maven: " + p);
        }
        return commit == null ? v : v + " (git " + commit + ")";
    }

    /** A value Maven filled in, or null for an unresolved {@code ${...}} or "unknown" (built outside a checkout). */
    private static String filled(String value) {
        return value == null || value.isBlank() || value.startsWith("${") || value.equals("unknown") ? null : value.trim();
    }
}
