package io.github.ark4j.cli;

import io.github.ark4j.experiment.Experiment;
import io.github.ark4j.experiment.Reproduction;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceCommandTest {
    /** The help of {@code --only} is written by hand: it must name every experiment there is. */
    @Test
    void helpNamesEveryExperiment() {
        String help = new CommandLine(new Ark4j()).getSubcommands().get("reproduce").getUsageMessage().replaceAll("\\s+", " ");
        for (Experiment e : Reproduction.all()) {
            assertTrue(help.contains(e.name()), "reproduce --help does not name " + e.name() + ": " + help);
        }
    }
}
