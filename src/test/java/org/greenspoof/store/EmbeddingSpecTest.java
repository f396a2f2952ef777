package org.greenspoof.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingSpecTest {

    private static final EmbeddingSpec ENCODER = new EmbeddingSpec("/a/wav2vec2 (wav2vec2)", "ab12", new int[] {6, 12},
            "mean", 768);

    @Test
    void sameWeightsInAnotherFolderAreTheSameEmbeddings() {
        EmbeddingSpec moved = new EmbeddingSpec("/b/wav2vec2 (wav2vec2)", "ab12", new int[] {6, 12}, "mean", 768);
        assertEquals(List.of(), ENCODER.differences(moved));
    }

    @Test
    void theFrontEndDefinitionDecidesWithoutWeights() {
        EmbeddingSpec lfcc = new EmbeddingSpec("lfcc(20)", null, new int[] {0}, "mean", 60);
        EmbeddingSpec other = new EmbeddingSpec("lfcc(30)", null, new int[] {0}, "mean", 60);
        assertEquals(List.of(new EmbeddingSpec.Difference("model", "lfcc(20)", "lfcc(30)")), lfcc.differences(other));
    }

    @Test
    void differencesComeInFieldOrder() {
        EmbeddingSpec other = new EmbeddingSpec("/b/hubert (hubert)", "cd34", new int[] {12}, "meanstd", 1536);
        assertEquals(List.of("model", "model sha256", "layers", "pooling", "dim"),
                ENCODER.differences(other).stream().map(EmbeddingSpec.Difference::field).toList());
    }

    @Test
    void oneLayerOfAStoreIsComparedAsThatLayer() {
        EmbeddingSpec layer12 = new EmbeddingSpec("/a/wav2vec2 (wav2vec2)", "ab12", new int[] {12}, "mean", 768);
        assertEquals(List.of(), ENCODER.withLayer(12).differences(layer12));
        assertEquals(List.of(new EmbeddingSpec.Difference("layers", "[6, 12]", "[12]")), ENCODER.differences(layer12));
    }
}
