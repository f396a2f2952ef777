package org.greenspoof.model;

import org.greenspoof.checkpoint.EncoderConfig;

/**
 * Mirrors transformers' {@code Wav2Vec2Model} (and {@code HubertModel}, {@code WavLMModel}): the
 * module tree under the checkpoint's bare keys, {@code feature_extractor}, {@code feature_projection}
 * and {@code encoder}. Built from a {@link Weights} pass: with data it runs ({@link SpeechEncoder}),
 * without it it is the list of tensors, their shapes and the work per frame.
 */
final class Wav2Vec2Model {

    final EncoderConfig config;
    final Wav2Vec2FeatureEncoder featureExtractor;
    final Wav2Vec2FeatureProjection featureProjection;
    final Wav2Vec2Encoder encoder;

    Wav2Vec2Model(Weights w, EncoderConfig cfg) {
        config = cfg;
        featureExtractor = new Wav2Vec2FeatureEncoder(w.pp("feature_extractor"), cfg);
        featureProjection = new Wav2Vec2FeatureProjection(w.pp("feature_projection"), cfg, featureExtractor.channels());
        encoder = new Wav2Vec2Encoder(w.pp("encoder"), cfg);
    }

    /** Forward-pass multiply-adds x 2 for this many samples up to hidden state maxLayer. */
    double flops(int samples, int maxLayer) {
        int t = featureExtractor.outLength(samples);
        return featureExtractor.flops(samples) + featureProjection.flops(t) + encoder.flops(t, maxLayer);
    }
}
