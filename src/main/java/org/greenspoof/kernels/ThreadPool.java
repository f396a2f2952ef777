package org.greenspoof.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one process-wide pool the kernels split their work over: one daemon worker per core minus
 * one, the calling thread doing part 0 itself. A call allocates nothing: the caller hands over a
 * {@link Task} it owns, each worker is woken by bumping its ticket, and the last one to finish
 * unparks the caller. Workers spin briefly before parking because the encoder issues matrix
 * products back to back. A call made while the pool is busy (another caller, or a nested call
 * from inside a task) runs all parts on the calling thread instead of waiting.
 */
public final class ThreadPool {

    /** One share of a parallel job: part {@code part} of {@code parts}. */
    public interface Task {
        void run(int part, int parts);
    }

    /** Spin iterations before a waiting worker parks: a few tens of microseconds. */
    private static final int SPINS = 1 << 14;

    private static final ThreadPool SHARED = new ThreadPool(Runtime.getRuntime().availableProcessors());

    private final Worker[] workers;
    /** Not a reentrant lock: a nested call from the caller's own part must run inline too. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile int parts;
    private volatile Thread caller;
    private volatile Throwable failure;

    private ThreadPool(int size) {
        workers = new Worker[size];
        for (int i = 1; i < size; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /** The shared pool, sized to the cores this JVM sees. */
    public static ThreadPool shared() {
        return SHARED;
    }

    /** Threads a job can use, the caller included. */
    public int size() {
        return workers.length;
    }

    /**
     * Runs {@code task.run(i, parts)} for every i in [0, parts) and returns when all are done;
     * rethrows the first failure. {@code parts} is capped at {@link #size()}.
     */
    public void run(int parts, Task task) {
        int n = Math.min(parts, workers.length);
        if (n <= 1 || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) {
                task.run(i, parts);
            }
            return;
        }
        try {
            this.task = task;
            this.parts = n;
            this.caller = Thread.currentThread();
            this.failure = null;
            pending.set(n - 1);
            for (int i = 1; i < n; i++) {
                workers[i].wake();
            }
            Throwable own = null;
            try {
                task.run(0, n);
            } catch (Throwable t) {
                own = t;
            }
            int spins = 0;
            while (pending.get() != 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            this.task = null;
            Throwable t = own != null ? own : failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        } finally {
            busy.set(false);
        }
    }

    private final class Worker extends Thread {
        private final int index;
        private volatile long ticket;

        Worker(int index) {
            super("greenspoof-kernels-" + index);
            this.index = index;
            setDaemon(true);
        }

        void wake() {
            ticket++;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                int spins = 0;
                while (ticket == seen) {
                    if (++spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                seen = ticket;
                try {
                    task.run(index, parts);
                } catch (Throwable t) {
                    failure = t;
                }
                Thread c = caller;
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(c);
                }
            }
        }
    }
}
