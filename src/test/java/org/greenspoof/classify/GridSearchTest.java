package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridSearchTest {

    private static GridSearch.Result chose(int chosen, double... devEers) {
        List<GridSearch.Trial> trials = new ArrayList<>();
        for (int i = 0; i < devEers.length; i++) {
            trials.add(new GridSearch.Trial("point " + i, devEers[i], 0, 10, 0));
        }
        return new GridSearch.Result(null, trials.get(chosen), trials, 0, false);
    }

    @Test
    void anEdgeWinnerThatBeatsItsNeighbourIsFlagged() {
        assertTrue(chose(0, 10, 20, 30).chosenAtEdge(), "first, strictly better");
        assertTrue(chose(2, 30, 20, 10).chosenAtEdge(), "last, strictly better");
        assertFalse(chose(1, 20, 10).chosenAtEdge(), "in a grid of two every winner is at an end");
        assertFalse(chose(0, 10, 10, 30).chosenAtEdge(), "tied with its neighbour: the optimum is inside");
        assertFalse(chose(1, 20, 10, 30).chosenAtEdge(), "inside the grid");
        assertFalse(chose(0, 10).chosenAtEdge(), "a single point has no edge");
    }
}
