package org.greenspoof.store;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.logging.Logger;

/**
 * The one-writer-at-a-time lock of a store: an OS file lock on {@code writer.lock} in the store
 * folder, which holds "pid PID on HOST since TIME" of its holder. The operating system releases the
 * lock when its holder dies, however it dies (kill -9, power cut), so a stale lock is recognised by
 * the lock being free while the file still names a holder; the next writer takes it over and says
 * so. A second writer while the first runs is refused with the holder's pid and host.
 *
 * <p>The file is never deleted, only emptied on release: deleting it would let a writer that had
 * opened the old file and one that creates a new file both believe they hold the lock.
 */
final class StoreLock implements Closeable {
    static final String FILE = "writer.lock";
    private static final Logger LOG = Logger.getLogger(StoreLock.class.getName());
    /** Longest holder line read back: a pid, a host name and a time. */
    private static final int MAX_HOLDER_BYTES = 1024;

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of the store folder {@code dir}, or fails naming the process that holds it. */
    static StoreLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new StoreException(dir, "permission denied: cannot create " + FILE + " in the store folder, which "
                    + "writing the store needs (check the folder's permissions, or choose another --out)");
        } catch (FileSystemException e) {
            throw new StoreException(dir, "cannot create " + FILE + " in the store folder, which writing the store "
                    + "needs: " + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
        }
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already: a second writer all the same
            }
            String holder = readHolder(ch);
            if (lock == null) {
                throw new StoreException(dir, "another greenspoof is writing this store (" + (holder.isEmpty()
                        ? "its lock file names no process" : holder) + ", lock " + file + "); wait for it to finish "
                        + "or stop it, then rerun");
            }
            if (!holder.isEmpty()) {
                LOG.warning(dir + ": taking over the lock of a writer that is gone (" + holder
                        + "); its uncommitted work is discarded and the store resumes from its last commit");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((self() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new StoreLock(ch, lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static String readHolder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), MAX_HOLDER_BYTES));
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // a channel may return fewer bytes than asked
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    }

    private static String self() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Empties the holder line and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
