package io.github.ark4j.course;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java example, run as it stands in JShell (the engine the notebooks' kernels use). */
@Tag("slow")
class ReadmeExampleTest {
    @Test
    void readmeJavaExampleRunsAndPrintsTheAttacksResult() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has no ```java block");
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (NotebookShell shell = new NotebookShell()) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            shell.run(block.group(1));
        } finally {
            System.setOut(out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("FGSM at eps 0.3: (\\d+\\.\\d)% of 100 images misclassified, mean L2 (\\d+\\.\\d\\d)").matcher(text);
        assertTrue(m.find(), "the example printed: " + text);
        // the quick profile's net loses most of its accuracy at eps 0.3 (results/quick fgsm-mnist); every L2 of an
        // eps-0.3 L-infinity step on 784 pixels is at most 0.3 * 28
        double success = Double.parseDouble(m.group(1));
        double l2 = Double.parseDouble(m.group(2));
        assertTrue(success > 50 && success <= 100, "success " + success);
        assertTrue(l2 > 0 && l2 <= 0.3 * 28 + 1e-9, "mean L2 " + l2);
    }
}
