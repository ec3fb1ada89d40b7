package io.twisterlab.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy-spinning {@code sh} processes that compete for the CPU with everything else on the machine (servers,
 * {@code redis-server}, the test's clients), at the same priority. Closing kills them.
 */
final class CpuHog implements AutoCloseable {
    private final List<Process> spinners;

    private CpuHog(List<Process> spinners) {
        this.spinners = spinners;
    }

    /** Starts {@code count} spinners. */
    static CpuHog start(int count) {
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException e) {
            started.forEach(Process::destroyForcibly);
            throw new UncheckedIOException("cannot start a busy-spinning sh", e);
        }
        return new CpuHog(started);
    }

    /** How many spinners are still running (all of them, unless something killed one). */
    long running() {
        return spinners.stream().filter(Process::isAlive).count();
    }

    @Override
    public void close() {
        spinners.forEach(Process::destroyForcibly);
        for (Process p : spinners) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "CpuHog[" + spinners.size() + " spinners]";
    }
}
