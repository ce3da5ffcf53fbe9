package dev.ace.cli;

import dev.ace.core.Cancellation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C: turns the interrupt (SIGINT, or SIGTERM) into the {@link Cancellation} of the operation
 * running, so that it stops cleanly (statements cancelled on the nodes, a repair's uncommitted
 * nodes rolled back, no half-written diff file) and the command can say so before the process
 * ends with exit code 130.
 *
 * <p>{@link #installShutdownHook} makes the JVM's shutdown wait for that: the hook cancels the
 * operation and waits until the command has finished (at most {@link #GRACE}). Tests call
 * {@link #interrupt()} instead. Thread-safe.
 */
final class Interrupts {

    /** How long the process waits, after Ctrl-C, for the operation to stop and the command to finish. */
    static final long GRACE = TimeUnit.SECONDS.toMillis(60);

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Cancellation current;
    private volatile String what;
    private volatile boolean interrupted;

    /** A cancellation for the operation about to run, {@code what} being its name ({@code table-repair}). */
    Cancellation begin(String operation) {
        Cancellation cancellation = new Cancellation();
        this.what = operation;
        this.current = cancellation;
        if (interrupted) {
            cancellation.cancel();
        }
        return cancellation;
    }

    /** The operation has returned or failed. */
    void end() {
        current = null;
    }

    /** Ctrl-C: cancels the running operation, if any; returns its name, or null when none was running. */
    String interrupt() {
        interrupted = true;
        Cancellation cancellation = current;
        if (cancellation == null) {
            return null;
        }
        cancellation.cancel();
        return what;
    }

    /** Whether Ctrl-C was pressed (the process is ending; it must not call {@code System.exit}). */
    boolean interrupted() {
        return interrupted;
    }

    /** The command has finished and said what happened; the process may end. */
    void finished() {
        finished.countDown();
    }

    /**
     * On SIGINT or SIGTERM: cancel the running operation, tell the user on {@code console}'s error
     * stream, and hold the JVM's shutdown until the command has finished.
     */
    void installShutdownHook(Console console) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            String operation = interrupt();
            if (operation == null) {
                return;
            }
            if (console.errIsTerminal()) {
                console.err().println(); // below the progress line and the ^C the terminal echoed
            }
            console.err().println("ace: interrupted; cancelling the " + operation + " ...");
            console.err().flush();
            try {
                finished.await(GRACE, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ace-interrupt"));
    }
}
