package io.github.ark4j.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock on one cache entry, held while it is computed, across threads and processes: {@code .locks/<entry>.lock}
 * beside the entry, locked through the operating system (a lock dies with its process, so one left by a killed run is free again and taken over),
 * plus a lock per entry inside this JVM (the operating system's file locks belong to the process, not the thread). The
 * lock file holds its owner's process id while locked, for the waiting message, and is emptied on release. It is
 * never removed (a waiter could otherwise hold the lock of a removed file while a third run locks a new one), and kept
 * in a folder of their own so that the entries' folder holds entries only.
 */
public final class EntryLock implements AutoCloseable {
    /** The folder of the lock files, beside the entries. */
    public static final String LOCKS = ".locks";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private EntryLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of an entry. */
    public static Path lockFileOf(Path entry) {
        return entry.resolveSibling(LOCKS).resolve(entry.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code entry}, waiting (with a one-line message naming {@code what}) while another thread or
     * process holds it.
     */
    public static EntryLock acquire(Path entry, String what) throws IOException {
        Path lockFile = lockFileOf(entry).toAbsolutePath().normalize();
        Files.createDirectories(lockFile.getParent());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        if (!local.tryLock()) {
            Progress.log("ark4j: waiting for another thread computing " + what);
            local.lock();
        }
        try {
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                FileLock l = ch.tryLock();
                String previous = owner(ch);
                if (l == null) {
                    Progress.log("ark4j: waiting for another run computing " + what + previous);
                    l = ch.lock();
                } else if (!previous.isEmpty()) {
                    // a released lock file is empty: this one's owner stopped while computing
                    Progress.log("ark4j: taking over " + what + " from a stopped run" + previous);
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
                ch.force(false);
                return new EntryLock(local, ch, l);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** " (process N)", or " (process N, no longer running)", from the lock file; "" when it names no process. */
    private static String owner(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        int n = ch.read(b, 0);
        if (n <= 0) {
            return "";
        }
        try {
            long pid = Long.parseLong(new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim());
            return " (process " + pid + (ProcessHandle.of(pid).isPresent() ? "" : ", no longer running") + ")";
        } catch (NumberFormatException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
