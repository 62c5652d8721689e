package io.github.ark4j.course;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The grader's result lines verify only with the run's nonce and only unchanged. */
class GradingTest {
    @Test
    void aLineVerifiesWithItsNonceOnly() {
        CheckResult r = new CheckResult("contrast", true, "all equal");
        String line = Grading.line("n1", r);
        assertEquals(r, Grading.parse("n1", "contrast", line));
        assertNull(Grading.parse("n2", "contrast", line), "another run's nonce");
        assertNull(Grading.parse("n1", "fgsm-step", line), "another exercise");
        assertNull(Grading.parse("n1", "contrast", line.replace(" PASS ", " FAIL ")), "an edited verdict");
        String failed = Grading.line("n1", new CheckResult("contrast", false, "pixel 3"));
        assertNull(Grading.parse("n1", "contrast", failed.replace(" FAIL ", " PASS ")), "a failure turned into a pass");
        assertNull(Grading.parse("n1", "contrast", "ark4j-grade contrast PASS YWxsIGVxdWFs 00"), "a forged tag");
    }

    @Test
    void aGradingCheckCallsTheLibrarysCheckByItsFullName() {
        String s = Grader.gradingCheck("Checks.contrast((x, f) -> contrast(x, f)).show();\n", "abc");
        assertEquals("io.github.ark4j.course.Grading.emit(\"abc\", io.github.ark4j.course.Checks.contrast((x, f) -> contrast(x, f)));", s);
        assertThrows(IllegalArgumentException.class, () -> Grader.gradingCheck("System.out.println(\"PASS\");", "abc"));
    }

    @Test
    void memoryLimitsAreParsedOrRefusedWithTheOptionNamed() {
        assertEquals(2L << 30, Grader.Builder.parseMemory("2g"));
        assertEquals(1536L << 20, Grader.Builder.parseMemory("1536M"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grader.builder().memory("lots"));
        assertTrue(e.getMessage().startsWith("--memory"));
        assertThrows(IllegalArgumentException.class, () -> Grader.builder().memory("100m"));
        assertThrows(IllegalArgumentException.class, () -> Grader.builder().timeoutSeconds(0));
    }
}
