package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridSearchTest {

    private static GridSearch.Result chose(int chosen, double... devEers) {
        List<GridSearch.Trial> trials = new ArrayList<>();
        for (int i = 0; i < devEers.length; i++) {
            trials.add(new GridSearch.Trial("point " + i, Map.of("C", (double) i), devEers[i], 0, 10, 0));
        }
        return new GridSearch.Result(null, trials.get(chosen), trials, 0, false);
    }

    @Test
    void anEdgeWinnerThatBeatsItsNeighbourIsFlagged() {
        assertEquals(List.of("C"), chose(0, 10, 20, 30).chosenAtEdge(), "first, strictly better");
        assertEquals(List.of("C"), chose(2, 30, 20, 10).chosenAtEdge(), "last, strictly better");
        assertTrue(chose(1, 20, 10).chosenAtEdge().isEmpty(), "in a grid of two every winner is at an end");
        assertTrue(chose(0, 10, 10, 30).chosenAtEdge().isEmpty(), "tied with its neighbour: the optimum is inside");
        assertTrue(chose(1, 20, 10, 30).chosenAtEdge().isEmpty(), "inside the grid");
        assertTrue(chose(0, 10).chosenAtEdge().isEmpty(), "a single point has no edge");
    }
}
