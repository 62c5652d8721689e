package io.github.ark4j.course;

/**
 * The verdict of one exercise's check: which exercise, passed or not, and what was compared or the first mismatch in
 * words a student can act on (which input, expected, got).
 *
 * @param exercise the exercise's name, e.g. {@code fgsm-step}
 * @param passed   whether the student's function agreed with the reference on every case
 * @param message  on a pass what was checked, on a failure the first mismatch
 */
public record CheckResult(String exercise, boolean passed, String message) {

    static CheckResult pass(String exercise, String what) {
        return new CheckResult(exercise, true, what);
    }

    static CheckResult fail(String exercise, String mismatch) {
        return new CheckResult(exercise, false, mismatch);
    }

    /**
     * Prints the verdict on standard output (a notebook shows it under the cell). Returns nothing, so that kernels
     * which show the value of a cell's last expression (IJava) do not show the verdict a second time.
     */
    public void show() {
        System.out.println(this);
    }

    @Override
    public String toString() {
        return (passed ? "PASS " : "FAIL ") + exercise + ": " + message;
    }
}
