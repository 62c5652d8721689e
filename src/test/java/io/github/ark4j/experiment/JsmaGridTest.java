package io.github.ark4j.experiment;

import io.github.ark4j.attack.AttackResult;
import io.github.ark4j.data.LabeledImages;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The grid's failure analysis on a hand-built result: which failures used the budget, the hardest target, the rest. */
class JsmaGridTest {
    /** Six attacks of seed 0 (class 0): targets 1, 1, 1, 2, 2, 3; target 1 reached once, targets 2 and 3 always but once. */
    private static JsmaGrid.Result grid(boolean[] success, double[] l0) {
        int[] sources = {0, 0, 0, 0, 0, 0};
        int[] targets = {1, 1, 1, 2, 2, 3};
        int[] after = {1, 0, 0, 2, 0, 3};
        LabeledImages seeds = new LabeledImages("seeds", Nd4j.zeros(1, 1, 2, 2), new int[] {0}, 10);
        AttackResult attack = new AttackResult("JSMA-Z", Nd4j.zeros(6, 1, 2, 2), success, sources.clone(), after, l0,
                new double[6], new double[6], new int[6], 0);
        return new JsmaGrid.Result(seeds, sources, targets, new int[6], attack);
    }

    @Test
    void failuresAtBudgetCountOnlyFailuresThatChangedTheWholeBudget() {
        JsmaGrid.Result g = grid(new boolean[] {true, false, false, true, false, true}, new double[] {4, 112, 40, 6, 112, 8});
        assertEquals(2 / 3.0, g.failuresAtBudget(112), 1e-12, "two of the three failures changed 112 features");
        assertEquals(1.0, g.failuresAtBudget(40), 1e-12, "every failure changed at least 40");
        assertTrue(Double.isNaN(grid(new boolean[] {true, true, true, true, true, true}, new double[6]).failuresAtBudget(112)),
                "no failure, no share");
    }

    @Test
    void theHardestTargetIsLeftOutOfTheRestsSuccessRate() {
        JsmaGrid.Result g = grid(new boolean[] {true, false, false, true, false, true}, new double[] {4, 112, 40, 6, 112, 8});
        assertEquals(1, g.hardestTarget(), "target 1 reached in 1 of 3");
        assertEquals(3, g.attemptedWithout(1));
        assertEquals(2 / 3.0, g.successRateWithout(1), 1e-12, "targets 2 and 3: 2 of 3");
        assertEquals(0.5, g.successRate(), 1e-12);
    }
}
