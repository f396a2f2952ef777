package org.greenspoof.cli;

import java.nio.file.Path;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.store.Embedder;
import picocli.CommandLine.Option;

/** What turns audio into embeddings: an encoder checkpoint or the LFCC front-end, and how it uses the cores. */
final class FrontendOptions {
    @Option(names = "--frontend", paramLabel = "encoder|lfcc",
            description = "encoder (needs --model) or lfcc (the ASVspoof baseline's cepstra, no checkpoint). "
                    + "Default: encoder when --model is given, otherwise lfcc.")
    String frontend;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face checkpoint folder (config.json, preprocessor_config.json, model.safetensors).")
    Path model;

    @Option(names = "--layers", paramLabel = "LIST",
            description = "Layers to store: 6, 0-12 or 0,3,6-8 (0 = CNN features, k = transformer layer k). "
                    + "Default: all layers of the encoder; LFCC has only layer 0.")
    String layers;

    @Option(names = "--pool", defaultValue = "mean", paramLabel = "mean|meanstd",
            description = "Pooling over frames: mean, or mean and standard deviation concatenated.")
    String pool;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to use (default: all cores).")
    Integer threads;

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        return t;
    }

    String frontendName() {
        String f = frontend != null ? frontend : model != null ? "encoder" : "lfcc";
        if (!f.equals("lfcc") && !f.equals("encoder")) {
            throw new IllegalArgumentException("--frontend must be encoder or lfcc, not " + f);
        }
        if (f.equals("encoder") && model == null) {
            throw new IllegalArgumentException("--frontend encoder needs --model DIR (or use --frontend lfcc)");
        }
        if (f.equals("lfcc") && model != null) {
            throw new IllegalArgumentException("--frontend lfcc takes no --model");
        }
        return f;
    }

    Embedder.Factory factory() {
        if (frontendName().equals("lfcc")) {
            if (layers != null) {
                Layers.parse(layers, 0);
            }
            return new LfccEmbedder(pool);
        }
        throw new IllegalStateException("the encoder front-end is not available in this build");
    }

    /** Files embedded at once. LFCC is cheap per file and single-threaded, so files run in parallel. */
    int workers() {
        return threads();
    }

    /** Threads inside one file. */
    int innerThreads() {
        return 1;
    }
}
