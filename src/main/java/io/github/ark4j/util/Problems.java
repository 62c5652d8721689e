package io.github.ark4j.util;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Words for a user instead of a Java exception's class name. */
public final class Problems {
    private Problems() {
    }

    /** What went wrong, in words, naming the file where there is one: "permission denied: /x", "no such file: /y". */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            String what = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : e instanceof DirectoryNotEmptyException ? "folder not empty"
                    : f.getReason() != null ? f.getReason() : "file system error";
            return what + ": " + f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "");
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "unexpected " + e.getClass().getSimpleName() : m;
    }
}
