package org.greenspoof.model;

/**
 * transformers' {@code ACT2FN["gelu"]} is the exact GELU {@code x * Phi(x)} (not the tanh
 * approximation, which differs by ~1e-3 and fails the parity tolerance); the model evaluates it with
 * {@link org.greenspoof.kernels.Kernels#gelu}. Other activations are refused at load time.
 */
final class Activation {

    private Activation() {
    }

    /** Rejects activations other than exact GELU, naming the config key. */
    static void requireGelu(String key, String value) {
        if (!"gelu".equals(value)) {
            throw new IllegalArgumentException("config.json: " + key + " '" + value
                    + "' is not supported; this engine implements 'gelu' (exact erf form)");
        }
    }
}
