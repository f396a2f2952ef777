import java.nio.file.Path;
import org.greenspoof.detect.Detector;

public class DetectExample {
    public static void main(String[] args) throws Exception {
        // args[0]: a classifier file from `greenspoof train`; the rest: audio files (FLAC, WAV, MP3 or Ogg Vorbis, any rate).
        // The file says which front-end it needs. For a classifier trained on encoder embeddings, pass
        // the checkpoint it was trained with: Detector.load(Path.of(args[0]), Path.of("weights/wav2vec2-base"))
        try (Detector detector = Detector.load(Path.of(args[0]), null)) {
            for (int i = 1; i < args.length; i++) {
                Detector.Verdict v = detector.score(Path.of(args[i]));
                System.out.println(v.id() + " " + v.score() + (v.bonafide() ? " bona fide" : " spoof")
                        + (v.warning() != null ? " (" + v.warning() + ")" : ""));
            }
        }
    }
}
