package io.github.ark4j.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line a notebook, a terminal or a log shows: count, share, rate, time left or taken, extra. */
class ProgressTest {
    @Test
    void lineShowsCountShareTimeLeftAndExtraWhileRunningAndTimeTakenWhenFinished() throws InterruptedException {
        try (Progress p = Progress.start("train", 10, "img")) {
            Thread.sleep(20);
            p.step(4, "loss 1.25");
            String running = p.line(false);
            assertTrue(running.startsWith("train: 4/10 img (40%), "), running);
            assertTrue(running.matches(".*, \\d+(\\.\\d)? img/s, \\d+ s left, loss 1.25"), running);
            p.step(6, null);
            String finished = p.line(true);
            assertTrue(finished.matches("train: 10/10 img, \\d+(\\.\\d)? img/s, \\d+ s, loss 1.25"), finished);
            assertFalse(finished.contains("%"), finished);
        }
    }

    @Test
    void unknownTotalShowsTheCountAlone() {
        try (Progress p = Progress.start("mutants", 0, "mutants")) {
            p.step(3, null);
            assertTrue(p.line(false).startsWith("mutants: 3 mutants, "), p.line(false));
        }
    }
}
