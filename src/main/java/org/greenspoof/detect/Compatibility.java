package org.greenspoof.detect;

import java.util.Arrays;
import java.util.List;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.store.EmbeddingSpec;

/**
 * Whether embeddings (from a store or computed now) are what a classifier was trained on: same
 * encoder weights (by SHA-256) or same front-end, the classifier's layer available, same pooling,
 * same dimension. A mismatch is an error that says which.
 */
public final class Compatibility {
    private Compatibility() {
    }

    /**
     * @param source  what holds or computes the embeddings, for the message ("store X", "--model DIR")
     * @param model   its model description (store.json "model")
     * @param sha256  its encoder weights' SHA-256, null for LFCC
     * @param layers  the layers it offers
     * @param pooling its pooling
     * @param dim     its vector length
     * @return the index into {@code layers} of the classifier's layer
     */
    public static int check(String source, String model, String sha256, int[] layers, String pooling, int dim,
                            ClassifierFile.Model classifier, String classifierFile) {
        ClassifierFile.Provenance p = classifier.provenance();
        int layer = p.layer() == null ? layers[0] : p.layer();
        int index = -1;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                index = i;
            }
        }
        EmbeddingSpec trained = new EmbeddingSpec(p.encoder(), p.encoderSha256(), new int[] {layer}, p.pooling(),
                classifier.classifier().dimension());
        EmbeddingSpec offered = new EmbeddingSpec(model, sha256, index < 0 ? layers : new int[] {layer}, pooling, dim);
        List<EmbeddingSpec.Difference> differences = trained.differences(offered);
        if (differences.isEmpty()) {
            return index;
        }
        String prefix = classifierFile + " was trained on ";
        throw new IllegalArgumentException(switch (differences.get(0).field()) {
            case "model", "model sha256" -> prefix + describe(p.encoder(), p.encoderSha256()) + " but " + source
                    + " holds " + describe(model, sha256);
            case "layers" -> prefix + "layer " + layer + " but " + source + " holds layers " + Arrays.toString(layers);
            case "pooling" -> prefix + p.pooling() + " pooling but " + source + " uses " + pooling;
            default -> prefix + trained.dim() + "-dimensional vectors but " + source + " holds " + dim
                    + "-dimensional ones";
        });
    }

    private static String describe(String model, String sha) {
        return sha == null ? model : model + " (weights sha256 " + sha.substring(0, Math.min(12, sha.length())) + "...)";
    }
}
