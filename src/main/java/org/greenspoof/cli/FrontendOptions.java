package org.greenspoof.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.frontend.EncoderEmbedder;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.store.Embedder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What turns audio into embeddings: an encoder checkpoint or the LFCC front-end, and how it uses the cores. */
final class FrontendOptions {
    @Option(names = "--frontend", paramLabel = "encoder|lfcc", converter = LowerCaseEnum.FrontendSpelling.class,
            completionCandidates = LowerCaseEnum.FrontendSpelling.class,
            description = "encoder (needs --encoder) or lfcc (the ASVspoof baseline's cepstra, no checkpoint). "
                    + "Default: encoder when --encoder is given, otherwise lfcc.")
    LowerCaseEnum.Frontend frontend;

    @Option(names = "--encoder", paramLabel = "DIR",
            description = "Hugging Face encoder checkpoint folder (config.json, preprocessor_config.json, model.safetensors).")
    Path model;

    @Mixin
    OldModelOption oldSpelling;

    @Option(names = "--layers", paramLabel = "LIST",
            description = "Layers to store: 6, 0-12 or 0,3,6-8 (0 = CNN features, k = transformer layer k). "
                    + "Default: all layers of the encoder; LFCC has only layer 0.")
    String layers;

    @Option(names = "--pool", paramLabel = "mean|meanstd",
            description = "Pooling over frames: mean, or mean and standard deviation concatenated. "
                    + "Default: mean for an encoder (as in the paper), meanstd for LFCC (as the baseline's statistics).")
    String pool;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to use (default: all cores).")
    Integer threads;

    @Option(names = "--parallel", defaultValue = "files", paramLabel = "files|within",
            converter = LowerCaseEnum.ParallelSpelling.class, completionCandidates = LowerCaseEnum.ParallelSpelling.class,
            description = "How the threads share the work: one file per thread (measured faster on short "
                    + "utterances, see the README), or all threads inside each file's matrix products (encoder only; "
                    + "lower latency per file).")
    LowerCaseEnum.Parallel parallel;

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        return t;
    }

    private LowerCaseEnum.Frontend frontend() {
        LowerCaseEnum.Frontend f = frontend != null ? frontend
                : model != null ? LowerCaseEnum.Frontend.ENCODER : LowerCaseEnum.Frontend.LFCC;
        if (f == LowerCaseEnum.Frontend.ENCODER && model == null) {
            throw new IllegalArgumentException("--frontend encoder needs --encoder DIR (or use --frontend lfcc)");
        }
        if (f == LowerCaseEnum.Frontend.LFCC && model != null) {
            throw new IllegalArgumentException("--frontend lfcc takes no --encoder");
        }
        return f;
    }

    Embedder.Factory factory() throws IOException {
        if (frontend() == LowerCaseEnum.Frontend.LFCC) {
            if (layers != null && !Arrays.equals(Layers.parse(layers, Integer.MAX_VALUE), new int[] {0})) {
                throw new IllegalArgumentException("--layers " + layers + ": the LFCC front-end (used when no --encoder "
                        + "is given) has no layers to choose from; did you forget --encoder DIR?");
            }
            if (parallel != LowerCaseEnum.Parallel.FILES) {
                throw new IllegalArgumentException("--parallel " + LowerCaseEnum.spelling(parallel) + ": LFCC runs one file per thread");
            }
            return new LfccEmbedder(pool == null ? "meanstd" : pool);
        }
        return EncoderEmbedder.open(model, layers == null ? null : Layers.parse(layers, Integer.MAX_VALUE),
                pool == null ? "mean" : pool, KernelProvider.get().withThreads(innerThreads()));
    }

    private boolean withinFiles() {
        return parallel == LowerCaseEnum.Parallel.WITHIN;
    }

    /** Files embedded at once. */
    int workers() {
        return withinFiles() ? 1 : threads();
    }

    /** Threads inside one file. */
    int innerThreads() {
        return withinFiles() ? threads() : 1;
    }
}
