import java.nio.file.Path;
import org.greenspoof.detect.Detector;

public class DetectExample {
    public static void main(String[] args) throws Exception {
        // args[0]: a model file from `greenspoof train`; the rest: audio files (FLAC or WAV).
        // For a classifier trained on encoder embeddings, load the checkpoint it was trained with:
        //   Detector.load(Path.of("weights/wav2vec2-base"), Path.of(args[0]))
        Detector detector = Detector.loadLfcc(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            Detector.Verdict v = detector.score(Path.of(args[i]));
            System.out.println(v.id() + " " + v.score() + (v.bonafide() ? " bona fide" : " spoof"));
        }
    }
}
