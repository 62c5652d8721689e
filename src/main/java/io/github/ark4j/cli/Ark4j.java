package io.github.ark4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ark4j} command: one subcommand per job. */
@Command(name = "ark4j", mixinStandardHelpOptions = true, version = "ark4j 0.1.0",
        description = "Adversarial Robustness Kit for Java: train the papers' models, attack them, defend and detect.",
        subcommands = {ReproduceCommand.class, TrainCommand.class, EvaluateCommand.class, DownloadCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Ark4j implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Ark4j()).execute(args));
    }
}
