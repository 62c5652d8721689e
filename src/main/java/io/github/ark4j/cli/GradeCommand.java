package io.github.ark4j.cli;

import io.github.ark4j.course.Grader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Grade a class headless: run the instructor's checks against every student's answers, one fresh kernel per submitted notebook,",
                "and write gradebook.csv and gradebook.md."})
final class GradeCommand implements Callable<Integer> {
    @Option(names = "--submissions", required = true, description = "A folder with one folder per student holding their notebooks.")
    Path submissions;

    @Option(names = "--source", defaultValue = "notebooks", description = "The instructor's notebooks, with solutions and checks (default: ${DEFAULT-VALUE}).")
    Path source;

    @Option(names = "--out", defaultValue = "gradebook", description = "Where the gradebook and the working folders go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--kernel", defaultValue = "ark4j", description = "The Jupyter kernelspec to run the notebooks on (default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--timeout", defaultValue = "300", description = "Time limit of one submitted notebook in seconds, kernel start included (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--memory", defaultValue = "2g", description = "Memory limit of one kernel, heap and native memory together (default: ${DEFAULT-VALUE}).")
    String memory;

    @Override
    public Integer call() throws Exception {
        Ranges.check("--timeout", timeout, 10, 86_400);
        Grader grader = Grader.builder().kernel(kernel).timeoutSeconds(timeout).memory(memory).build();
        List<Grader.Grade> grades = grader.grade(source, submissions, out, System.out::println);
        long passed = grades.stream().filter(Grader.Grade::passed).count();
        System.out.printf("%d of %d exercises passed; gradebook: %s, %s%n", passed, grades.size(),
                out.resolve("gradebook.csv").toAbsolutePath(), out.resolve("gradebook.md").toAbsolutePath());
        return 0;
    }
}
