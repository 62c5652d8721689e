package io.github.ark4j.course;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.File;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A notebook's code cells evaluated in JShell inside the test JVM (the engine the Java kernels use), on the test
 * class path: a cell is split into its snippets and each must compile and run.
 */
final class NotebookShell implements AutoCloseable {
    private final JShell shell;

    NotebookShell() {
        shell = JShell.builder().executionEngine("local").build();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                shell.addToClasspath(entry);
            }
        }
    }

    /** Evaluates a cell; returns the value of its last snippet (null for a declaration or statement). */
    String run(String cell) {
        String value = null;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = cell;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            String snippet = info.source() == null ? rest : info.source();
            rest = info.source() == null ? "" : info.remaining();
            List<SnippetEvent> events = shell.eval(snippet);
            for (SnippetEvent e : events) {
                if (e.status() == Snippet.Status.REJECTED) {
                    throw new AssertionError("does not compile: " + snippet.strip() + "\n" + shell.diagnostics(e.snippet())
                            .map(d -> d.getMessage(null)).collect(Collectors.joining("\n")));
                }
                if (e.exception() != null) {
                    throw new AssertionError("threw " + e.exception() + " in: " + snippet.strip(), e.exception());
                }
                if (e.causeSnippet() == null) {
                    value = e.value();
                }
            }
        }
        return value;
    }

    @Override
    public void close() {
        shell.close();
    }
}
