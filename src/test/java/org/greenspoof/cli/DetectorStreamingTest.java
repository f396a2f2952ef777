package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.audio.Tools;
import org.greenspoof.dataset.Datasets;
import org.greenspoof.dataset.Utterance;
import org.greenspoof.detect.Detector;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Detector.detect on a file streams it; its report must be exactly what scoring the whole decoded
 * array gives: every window's slice scored alone, windows every hop, the last ending at the end,
 * the lowest window the verdict, the spoof windows' union the spans.
 */
class DetectorStreamingTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} at {1} Hz, {2} ch, windows {3} s every {4} s above {5} s")
    @CsvSource({"flac, 16000, 1, 4, 2, 20", "flac, 44100, 2, 1.3, 0.7, 5", "wav, 22050, 2, 4, 2, 20",
        "wav, 16000, 1, 30, 10, 20", "flac, 16000, 1, 4, 2, 1000"})
    void streamedReportIsTheWholeArrayReport(String ext, int rate, int channels, double window, double hop,
            double above) throws Exception {
        Tools.assumeInstalled("sox");
        List<String> cmd = new ArrayList<>(List.of("sox"));
        for (Utterance u : Datasets.read(SharedCorpus.get(), "eval")) {
            cmd.add(u.audio().toString());
        }
        Path audio = dir.resolve("long." + ext);
        cmd.addAll(List.of(audio.toString(), "rate", Integer.toString(rate), "channels", Integer.toString(channels)));
        Tools.run(cmd.toArray(String[]::new));
        Detector.Windowing w = new Detector.Windowing(window, hop, above);
        float[] x = AudioReader.readMono16k(audio, AudioLimits.DEFAULT);
        try (Detector d = Detector.load(SharedModel.model(), null)) {
            Detector.Report streamed = d.detect(audio, AudioLimits.DEFAULT, w);
            Detector.Report array = d.detect("long", x, 16000, w);
            List<Detector.Segment> expected = new ArrayList<>();
            double seconds = x.length / 16000.0;
            if (seconds <= above) {
                Detector.Verdict v = d.score("long", x, 16000);
                expected.add(new Detector.Segment(0, seconds, v.score(), v.probability(), v.bonafide()));
            } else {
                int win = (int) Math.min(x.length, Math.round(window * 16000));
                int step = (int) Math.round(hop * 16000);
                List<Integer> starts = new ArrayList<>();
                for (int s = 0; s + win < x.length; s += step) {
                    starts.add(s);
                }
                starts.add(x.length - win);
                for (int s : starts) {
                    Detector.Verdict v = d.score("long", Arrays.copyOfRange(x, s, s + win), 16000);
                    expected.add(new Detector.Segment(s / 16000.0, (s + win) / 16000.0, v.score(), v.probability(),
                            v.bonafide()));
                }
            }
            assertTrue(seconds > 60, "a long recording: " + seconds + " s");
            Detector.Segment lowest = expected.stream().min((a, b) -> Double.compare(a.score(), b.score())).get();
            List<Detector.Span> spans = spansOf(expected);
            double spoofed = spans.stream().mapToDouble(s -> s.end() - s.start()).sum();
            for (Detector.Report r : List.of(streamed, array)) {
                assertEquals(seconds, r.seconds());
                assertEquals(expected, r.segments());
                assertEquals(lowest.score(), r.verdict().score());
                assertEquals(1 - lowest.probability(), r.maxSpoofProbability());
                assertEquals(spans, r.spoofedSpans());
                assertEquals(spoofed / seconds, r.spoofedShare());
            }
            assertEquals(streamed.verdict(), array.verdict());
            assertTrue(Arrays.equals(streamed.envelope().min(), array.envelope().min())
                    && Arrays.equals(streamed.envelope().max(), array.envelope().max()));
        }
    }

    /** The union of the spoof windows, overlapping or touching ones merged (written out again here). */
    private static List<Detector.Span> spansOf(List<Detector.Segment> segments) {
        List<Detector.Span> spans = new ArrayList<>();
        for (Detector.Segment g : segments) {
            if (g.bonafide()) {
                continue;
            }
            int last = spans.size() - 1;
            if (last >= 0 && g.start() <= spans.get(last).end()) {
                spans.set(last, new Detector.Span(spans.get(last).start(), Math.max(spans.get(last).end(), g.end())));
            } else {
                spans.add(new Detector.Span(g.start(), g.end()));
            }
        }
        return spans;
    }
}
