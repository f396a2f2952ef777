package org.greenspoof.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.store.EmbeddingStore;
import org.greenspoof.store.StoreInfo;

/** One layer of a store as a labelled matrix. */
record StoreData(Path path, EmbeddingStore store, int layer, float[][] x, int[] y, String[] attacks) {

    static StoreData load(Path path, Integer layer) throws IOException {
        EmbeddingStore s = EmbeddingStore.open(path);
        int l = layer != null ? layer : only(s.info(), path);
        float[][] x = s.layer(l);
        if (x.length == 0) {
            throw new IllegalArgumentException(path + " holds no embeddings");
        }
        return new StoreData(path, s, l, x, s.labels(), s.attacks());
    }

    private static int only(StoreInfo info, Path path) {
        if (info.layers().length != 1) {
            throw new IllegalArgumentException(path + " holds layers " + Arrays.toString(info.layers())
                    + "; choose one with --layer");
        }
        return info.layers()[0];
    }

    /**
     * Warns when {@code option}'s store (--dev, --eval) holds the training data itself: the same folder, or
     * a store of the same dataset partition. Its EER and threshold are then not held-out figures.
     */
    void warnIfSameDataAs(StoreData train, String option) throws IOException {
        StoreInfo a = train.store.info(), b = store.info();
        boolean sameFolder = Files.isSameFile(path, train.path);
        if (sameFolder || (a.dataset().equals(b.dataset()) && a.partition().equals(b.partition()))) {
            System.err.println("warning: " + option + " " + path + (sameFolder ? " is the same store as --train"
                    : " holds the same data as --train (" + b.dataset() + ", partition " + b.partition() + ")")
                    + ": its EER and threshold are measured on the training data, not held out");
        }
    }

    /** The dev (or eval) store must hold the same kind of vectors as the training store. */
    void requireSameEmbeddings(StoreData train) {
        StoreInfo a = train.store.info(), b = store.info();
        if (!a.embedding().withLayer(train.layer).differences(b.embedding().withLayer(layer)).isEmpty()) {
            throw new IllegalArgumentException(path + " was embedded with " + b.model() + ", " + b.pooling()
                    + " pooling, dim " + b.dim() + " but " + train.path + " with " + a.model() + ", " + a.pooling()
                    + " pooling, dim " + a.dim());
        }
    }
}
