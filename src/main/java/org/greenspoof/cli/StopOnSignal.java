package org.greenspoof.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a long run: the JVM runs its shutdown hooks, and this one asks
 * the run to stop at its next safe point, then waits until the run has committed what it finished
 * and said so ({@link #close}). The JVM then exits with 128 + the signal number (130, 143).
 */
final class StopOnSignal implements AutoCloseable {
    /**
     * How long a signalled run may take to finish the files in flight and commit them. One file
     * through an encoder takes seconds; beyond this the JVM exits anyway, and the crash-safe store
     * keeps every earlier commit.
     */
    static final long GRACE_SECONDS = 60;

    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "greenspoof-stop");

    StopOnSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested;
    }

    private void onSignal() {
        requested = true;
        try {
            finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run is over (finished or stopped, and reported): a waiting hook may let the JVM exit. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running and has just been released.
        }
    }
}
