package org.greenspoof.dataset;

import java.nio.file.Path;

/**
 * One labelled trial of a corpus.
 *
 * @param id      utterance id, unique within a partition (ASVspoof: "LA_T_1138215")
 * @param audio   path of the audio file
 * @param label   bona fide or spoof
 * @param attack  attack id ("A07"), or "-" for bona fide speech and corpora without attack ids
 * @param speaker speaker id or name, "-" when the corpus has none
 */
public record Utterance(String id, Path audio, Label label, String attack, String speaker) {
    /** The placeholder ASVspoof protocols use for an absent field. */
    public static final String NONE = "-";
}
