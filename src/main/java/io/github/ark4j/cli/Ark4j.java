package io.github.ark4j.cli;

import io.github.ark4j.data.DataFormatException;
import io.github.ark4j.engine.Engine;
import io.github.ark4j.util.Problems;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;

/** The {@code ark4j} command: one subcommand per job. */
@Command(name = "ark4j", mixinStandardHelpOptions = true, version = "ark4j 0.1.0",
        description = "Adversarial Robustness Kit for Java: train the papers' models, attack them, defend and detect.",
        subcommands = {ReproduceCommand.class, TrainCommand.class, EvaluateCommand.class, DownloadCommand.class, BenchCommand.class,
                ReleaseCommand.class, GradeCommand.class, CommandLine.HelpCommand.class})
public final class Ark4j implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        Engine.useBlasThreads(Engine.DEFAULT_BLAS_THREADS);
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: bad input (an {@link IllegalArgumentException} naming the parameter and
     * the expected value) exits with code 2 and an unreadable or corrupt file (an {@link IOException} naming it) with
     * code 1, each with its message on one line instead of a stack trace; anything else is a bug and keeps its trace.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Ark4j());
        // a mistyped option or value: one line with the way to the help, not the whole usage text
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandName();
            cmd.getErr().println((name.equals("ark4j") ? "ark4j" : "ark4j " + name) + ": " + e.getMessage()
                    + " (options: ./ark4j help" + (name.equals("ark4j") ? "" : " " + name) + ")");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IllegalArgumentException) && !(e instanceof IOException)) {
                throw e;
            }
            // ark4j's own messages name the parameter or file; a JDK I/O error is put in words with its file
            cmd.getErr().println("ark4j " + cmd.getCommandName() + ": " + Problems.describe(e));
            return e instanceof IllegalArgumentException ? cmd.getCommandSpec().exitCodeOnInvalidInput() : 1;
        });
        return cl;
    }
}
