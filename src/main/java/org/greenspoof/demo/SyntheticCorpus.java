package org.greenspoof.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.greenspoof.audio.flac.FlacWriter;

/**
 * Writes the demonstration corpus: {@link SyntheticSpeech} signals as 16 kHz 16-bit FLAC in the
 * exact ASVspoof 2019 LA layout ({@code LA/ASVspoof2019_LA_cm_protocols/*.txt},
 * {@code LA/ASVspoof2019_LA_{train,dev,eval}/flac/*.flac}), with disjoint speakers per partition and
 * an attack in eval that train and dev never show. Same seed, same bytes.
 */
public final class SyntheticCorpus {

    /** Per partition: speakers, bona fide utterances per speaker, attacks, spoofed utterances per attack per speaker. */
    private record Plan(String partition, String protocolSuffix, char letter, int firstSpeaker, int speakers,
                        int bonafidePerSpeaker, List<String> attacks, int spoofPerAttackPerSpeaker) {
    }

    private static final List<Plan> PLANS = List.of(
            new Plan("train", "train.trn", 'T', 1, 4, 12, List.of("D01", "D02"), 6),
            new Plan("dev", "dev.trl", 'D', 5, 2, 16, List.of("D01", "D02"), 8),
            new Plan("eval", "eval.trl", 'E', 7, 2, 16, List.of("D01", "D02", "D03"), 8));

    private record Item(String id, String speaker, SyntheticSpeech.Voice voice, String attack, long seed) {
    }

    private SyntheticCorpus() {
    }

    /** Writes the corpus under {@code root} (which then holds {@code LA/}) and returns the number of files. */
    public static int write(Path root, long seed) throws IOException {
        Path la = root.resolve("LA");
        Path protocols = Files.createDirectories(la.resolve("ASVspoof2019_LA_cm_protocols"));
        int total = 0;
        for (Plan p : PLANS) {
            List<Item> items = plan(p, seed);
            Path flac = Files.createDirectories(la.resolve("ASVspoof2019_LA_" + p.partition).resolve("flac"));
            IntStream.range(0, items.size()).parallel().forEach(i -> writeItem(items.get(i), flac));
            StringBuilder protocol = new StringBuilder();
            for (Item it : items) {
                protocol.append(it.speaker).append(' ').append(it.id).append(" - ")
                        .append(it.attack == null ? "-" : it.attack).append(' ')
                        .append(it.attack == null ? "bonafide" : "spoof").append('\n');
            }
            Files.writeString(protocols.resolve("ASVspoof2019.LA.cm." + p.protocolSuffix + ".txt"), protocol);
            total += items.size();
        }
        Files.writeString(root.resolve("README.txt"), "A SYNTHETIC demonstration corpus written by `greenspoof demo`"
                + " (seed " + seed + ").\nNot speech: source-filter toy signals. 'bonafide' = jittered pulse trains"
                + " through gliding formants; 'spoof' attacks D01 (frame-based vocoder), D02 (band-extension noise"
                + " above 4 kHz), D03 (harmonic-only resynthesis, eval only).\nLayout: ASVspoof 2019 LA.\n");
        return total;
    }

    private static void writeItem(Item it, Path flacDir) {
        SplittableRandom rng = new SplittableRandom(it.seed);
        double seconds = 1.0 + rng.nextDouble();
        float[] x = it.attack == null ? SyntheticSpeech.bonafide(it.voice, seconds, rng)
                : SyntheticSpeech.spoof(it.voice, seconds, rng, it.attack);
        try {
            FlacWriter.write16(flacDir.resolve(it.id + ".flac"), x, SyntheticSpeech.RATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Item> plan(Plan p, long seed) {
        List<Item> items = new ArrayList<>();
        SplittableRandom voices = new SplittableRandom(seed * 31 + p.letter);
        int n = 0;
        for (int s = 0; s < p.speakers; s++) {
            String speaker = String.format(Locale.ROOT, "LA_D%03d", p.firstSpeaker + s);
            // Speakers differ in pitch (90-230 Hz) and vocal-tract length (formants x0.9-1.15).
            SyntheticSpeech.Voice voice = new SyntheticSpeech.Voice(90 + 140 * voices.nextDouble(),
                    0.9 + 0.25 * voices.nextDouble());
            List<String> kinds = new ArrayList<>();
            for (int b = 0; b < p.bonafidePerSpeaker; b++) {
                kinds.add(null);
            }
            for (String a : p.attacks) {
                for (int k = 0; k < p.spoofPerAttackPerSpeaker; k++) {
                    kinds.add(a);
                }
            }
            for (String kind : kinds) {
                String id = String.format(Locale.ROOT, "LA_%c_%07d", p.letter, 9_000_000 + n++);
                items.add(new Item(id, speaker, voice, kind, seed * 1_000_003L + id.hashCode()));
            }
        }
        // Interleave classes as the real protocols do, deterministically.
        Collections.shuffle(items, new Random(seed + p.letter));
        return items;
    }
}
