package io.github.ark4j.cli;

import io.github.ark4j.course.Release;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Write the student versions of the notebooks: solutions replaced by stubs that compile and throw, outputs cleared.")
final class ReleaseCommand implements Callable<Integer> {
    @Option(names = "--source", defaultValue = "notebooks", description = "The instructor's notebooks, with solutions (default: ${DEFAULT-VALUE}).")
    Path source;

    @Option(names = "--out", required = true, description = "The folder the student versions are written to (not the source folder).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<Path> written = Release.write(source, out);
        written.forEach(p -> System.out.println("wrote " + p));
        System.out.println(written.size() + " student notebooks in " + out.toAbsolutePath());
        return 0;
    }
}
