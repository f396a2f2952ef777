package org.greenspoof.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.report.FileProblem;
import org.greenspoof.store.Embedder;

/**
 * One utterance after embedding: its vectors ({@code [layers][dim]}) and duration, or (vectors null) the
 * error that stopped it, in the words {@code greenspoof embed} lists failures with.
 */
public record Embedded(Input input, float[][] vectors, Double seconds, String error) implements Serializable {

    /** Decodes an audio file to 16 kHz mono; the jobs' default is the engine's reader with its default limits. */
    @FunctionalInterface
    public interface AudioSource extends Serializable {
        float[] load(Path file) throws IOException;

        static AudioSource engine() {
            return file -> AudioReader.readMono16k(file, AudioLimits.DEFAULT);
        }
    }

    /**
     * Embeds the inputs of one task, one at a time, with one embedder from {@code factory}. A file that cannot
     * be read or embedded gives a row with its error, as {@code embed --on-error skip} lists it; an
     * {@link Error} (out of memory, a lost executor's kill) is no file's fault and fails the task, which
     * Spark then retries.
     */
    public static Iterator<Embedded> embed(Iterator<Input> inputs, Embedder.Factory factory, AudioSource audio) {
        Embedder embedder = factory.create();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return inputs.hasNext();
            }

            @Override
            public Embedded next() {
                Input in = inputs.next();
                Path file = Path.of(in.path());
                try {
                    float[] x = audio.load(file);
                    return new Embedded(in, embedder.embed(x), x.length / 16000.0, null);
                } catch (IOException | RuntimeException e) {
                    return new Embedded(in, null, null, FileProblem.describe(file, e));
                }
            }
        };
    }
}
