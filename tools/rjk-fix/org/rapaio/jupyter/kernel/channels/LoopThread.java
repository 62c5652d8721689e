package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's LoopThread, placed before the kernel jar on the class path.
 * The original starts the channel loops before the kernel assigns its message handlers, so a kernel_info_request
 * arriving in that window throws a NullPointerException that kills the shell loop for good (the kernel then hangs
 * at start-up, about 1 start in 5 under CPU load); it also sets {@code running} only after starting the thread.
 * This version sets {@code running} first and survives an exception in the loop body (the lost request is re-sent
 * by the client). Same name, constructor and public methods as 3.0.1 (check with javap on any upgrade).
 */
public final class LoopThread extends Thread {
    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                System.err.println("[" + getName() + "] loop body failed, continuing: " + e);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
