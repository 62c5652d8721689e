package io.github.ark4j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenFileHasItsContentAndNoTemporaryIsLeft() throws IOException {
        Path file = dir.resolve("sub").resolve("report.md");
        AtomicFiles.writeString(file, "first");
        AtomicFiles.writeString(file, "second");
        assertEquals("second", Files.readString(file));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "only report.md is left in " + file.getParent());
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("model.zip");
        AtomicFiles.writeString(file, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(file));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void filesAndFoldersGetTheSamePermissionsAsAnyNewOne() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Set<PosixFilePermission> plainFile = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.txt")));
        Set<PosixFilePermission> plainDir = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain")));
        Path written = dir.resolve("written.csv");
        AtomicFiles.writeString(written, "a,b\n");
        assertEquals(plainFile, Files.getPosixFilePermissions(written));
        Path tmpDir = AtomicFiles.tempDirectory(dir, ".run.");
        assertEquals(plainDir, Files.getPosixFilePermissions(tmpDir));
    }
}
