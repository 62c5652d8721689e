package io.github.ark4j.eval;

import io.github.ark4j.attack.Attack;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** `bench --attacks --attack …`: which attacks a selection names. */
class AttackBenchmarkTest {

    @Test
    void selectsByNameWithoutCaseOrPunctuationInTheBenchmarksOrder() {
        Map<String, Attack> all = AttackBenchmark.attacks(false);
        assertEquals(List.copyOf(all.keySet()), List.copyOf(AttackBenchmark.select(all, List.of()).keySet()), "empty: all");
        assertEquals(List.of("FGSM", "JSMA-F", "C&W"), List.copyOf(AttackBenchmark.select(all, List.of("cw", "jsmaf", "Fgsm")).keySet()));
        assertSame(all.get("JSMA-Z"), AttackBenchmark.select(all, List.of("JSMA-Z")).get("JSMA-Z"));
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttackBenchmark.select(AttackBenchmark.attacks(true), List.of("fgsm", "jsma")));
        assertTrue(e.getMessage().contains("--attack") && e.getMessage().contains("'jsma'") && e.getMessage().contains("JSMA-Z, JSMA-F"), e.getMessage());
    }
}
