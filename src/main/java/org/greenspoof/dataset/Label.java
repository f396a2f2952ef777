package org.greenspoof.dataset;

import java.util.Locale;

/** The two classes of an anti-spoofing corpus; the CM score convention is: higher = more bona fide. */
public enum Label {
    BONAFIDE("bonafide"),
    SPOOF("spoof");

    private final String token;

    Label(String token) {
        this.token = token;
    }

    /** The token ASVspoof protocols and score files use ("bonafide", "spoof"). */
    public String token() {
        return token;
    }

    /**
     * Parses the spellings the supported corpora use: ASVspoof "bonafide", In-the-Wild "bona-fide",
     * and "bona fide"; case-insensitive. Returns null for anything else so callers can name the line.
     */
    public static Label parseOrNull(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "bonafide":
            case "bona-fide":
            case "bona fide":
                return BONAFIDE;
            case "spoof":
                return SPOOF;
            default:
                return null;
        }
    }
}
