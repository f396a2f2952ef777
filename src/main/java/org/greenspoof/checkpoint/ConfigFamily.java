package org.greenspoof.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * What reading a checkpoint needs to know of one architecture family: {@code config.json}'s
 * {@code model_type}, the key prefix of its task checkpoints (transformers' {@code base_model_prefix},
 * without the dot) and the config fields only this family has, with their defaults. The families
 * themselves live in {@code org.greenspoof.model.ModelFamily}, which hands these to
 * {@link Checkpoint#open} and {@link EncoderConfig#load}: this package reads files and knows no model.
 */
public record ConfigFamily(String modelType, String prefix, Map<String, Object> ownFields) {

    public ConfigFamily {
        ownFields = Map.copyOf(ownFields);
    }

    /**
     * The entry of {@code modelType} in {@code families}; a missing ({@code null}) or unknown one is a
     * clear error naming those supported.
     */
    public static ConfigFamily of(String modelType, List<ConfigFamily> families) {
        for (ConfigFamily f : families) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        List<String> known = families.stream().map(ConfigFamily::modelType).toList();
        throw new IllegalArgumentException(modelType == null ? "no model_type; expected one of " + known
                : "model_type '" + modelType + "' is not supported; expected one of " + known);
    }
}
