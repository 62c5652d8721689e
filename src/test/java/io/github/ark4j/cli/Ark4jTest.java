package io.github.ark4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The command line's answer to bad input: one line naming the parameter, not a stack trace. */
class Ark4jTest {

    private static String[] run(String... args) {
        CommandLine cl = Ark4j.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[]{Integer.toString(code), err.toString()};
    }

    @Test
    void anUnknownAttackIsOneLineAndExitCode2() {
        String[] r = run("bench", "--attacks", "--attack", "fgsm,nope");
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("ark4j bench: --attack: unknown attack 'nope', expected some of FGSM,"), r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace: " + r[1]);
    }

    @Test
    void aMissingOrCorruptModelFileIsOneLineNamingItAndExitCode1(@TempDir Path dir) throws Exception {
        String[] missing = run("evaluate", dir.resolve("none.zip").toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[1].startsWith("ark4j evaluate: no such file or folder: " + dir.resolve("none.zip")), missing[1]);
        Path corrupt = Files.writeString(dir.resolve("corrupt.zip"), "not a zip");
        String[] bad = run("evaluate", corrupt.toString());
        assertEquals("1", bad[0]);
        assertTrue(bad[1].startsWith("ark4j evaluate: ") && bad[1].contains(corrupt.toString()), bad[1]);
        assertFalse(bad[1].contains("\tat "), "no stack trace: " + bad[1]);
    }
}
