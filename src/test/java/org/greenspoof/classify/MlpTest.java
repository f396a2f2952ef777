package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MlpTest {

    /** Two noisy XOR-like clusters: no linear model separates them, one hidden layer does. */
    static float[][] xor(int n, long seed, int[] y) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][];
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(2);
            int b = r.nextInt(2);
            y[i] = a ^ b;
            x[i] = new float[] {(float) (2 * a - 1 + 0.3 * r.nextGaussian()), (float) (2 * b - 1 + 0.3 * r.nextGaussian()),
                    (float) r.nextGaussian()};
        }
        return x;
    }

    static final Mlp.Options OPTIONS = new Mlp.Options(8, Mlp.Activation.TANH, 1e-4, 1e-2, 32, 300, 0.15, 20, 1e-5,
            1234L, true, true);

    @Test
    void learnsWhatALinearModelCannot() {
        int[] y = new int[600];
        float[][] x = xor(600, 1, y);
        int[] yDev = new int[400];
        float[][] dev = xor(400, 2, yDev);
        double mlpEer = GridSearch.devEer(Mlp.fit(x, y, OPTIONS), dev, yDev).percent();
        double lrEer = GridSearch.devEer(LogisticRegression.fit(x, y, LogisticRegression.Options.DEFAULT), dev, yDev).percent();
        assertTrue(mlpEer < 3, "MLP dev EER " + mlpEer);
        assertTrue(lrEer > 30, "linear dev EER " + lrEer);
    }

    @Test
    void sameSeedSameModelAndReluWorks() {
        int[] y = new int[300];
        float[][] x = xor(300, 3, y);
        Mlp a = Mlp.fit(x, y, OPTIONS);
        Mlp b = Mlp.fit(x, y, OPTIONS);
        assertArrayEquals(a.parameters(), b.parameters(), 0.0);
        assertEquals(8 * 3 + 2 * 8 + 1, a.parameterCount());
        assertTrue(a.epochs() >= 1 && a.epochs() <= OPTIONS.maxEpochs());
        Mlp other = Mlp.fit(x, y, new Mlp.Options(8, Mlp.Activation.TANH, 1e-4, 1e-2, 32, 300, 0.15, 20, 1e-5,
                99L, true, true));
        assertTrue(!java.util.Arrays.equals(a.parameters(), other.parameters()), "the seed matters");
        Mlp relu = Mlp.fit(x, y, new Mlp.Options(16, Mlp.Activation.RELU, 1e-4, 1e-2, 32, 300, 0.0, 20, 1e-5,
                5L, false, false));
        int[] yDev = new int[300];
        float[][] dev = xor(300, 4, yDev);
        assertTrue(GridSearch.devEer(relu, dev, yDev).percent() < 5);
    }

    @Test
    void gridSelectsOnDevAndRefits() {
        int[] y = new int[400];
        float[][] x = xor(400, 5, y);
        int[] yDev = new int[300];
        float[][] dev = xor(300, 6, yDev);
        List<GridSearch.Candidate> grid = new java.util.ArrayList<>(
                LogisticRegression.KIND.grid(new double[] {0.1, 10}, LogisticRegression.Options.DEFAULT));
        grid.addAll(Mlp.KIND.grid(new int[] {1, 8}, OPTIONS));
        GridSearch.Result r = GridSearch.select(grid, x, y, dev, yDev, true);
        assertEquals(4, r.trials().size());
        double bestEer = r.trials().stream().mapToDouble(GridSearch.Trial::devEerPercent).min().orElseThrow();
        assertEquals(bestEer, r.chosen().devEerPercent());
        assertEquals("mlp hidden=8 tanh", r.chosen().description());
        assertTrue(r.refitted() && r.best() instanceof Mlp);
        assertEquals(GridSearch.devEer(r.best(), dev, yDev).threshold(), r.threshold());
        for (GridSearch.Trial t : r.trials()) {
            assertTrue(t.trainingSeconds() > 0 && t.parameterCount() > 0, t.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> GridSearch.select(List.of(), x, y, dev, yDev, false));
    }
}
