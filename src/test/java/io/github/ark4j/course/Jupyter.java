package io.github.ark4j.course;

import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the tests that run a real Jupyter need to know about the installed one (the {@code jupyter} on the PATH). */
final class Jupyter {
    /** The kernelspec the notebooks name in their metadata. */
    static final String KERNEL = "ark4j";

    private Jupyter() {
    }

    /** Whether Jupyter runs and has the kernelspec {@code name}. */
    static boolean hasKernel(String name) {
        String out = run("jupyter", "kernelspec", "list", "--json");
        try {
            return out != null && JsonParser.parseString(out).getAsJsonObject().getAsJsonObject("kernelspecs").has(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether JupyterLab is installed beside it. */
    static boolean hasLab() {
        return run("jupyter", "lab", "--version") != null;
    }

    /** A command's standard output, or null when it cannot run or fails. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
