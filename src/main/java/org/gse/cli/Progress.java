package org.gse.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, drawn only when standard error is a terminal and progress is
 * enabled. Long commands also log progress through SLF4J, so runs without a terminal still show it.
 */
public final class Progress implements AutoCloseable {

    private static volatile boolean enabled = true;

    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final PrintStream stream = System.err;
    private final boolean draw;
    private long done;
    private long lastDrawNanos;
    private String status = "";

    public Progress(String label, long total) {
        this.label = label;
        this.total = total;
        this.draw = enabled && System.console() != null;
    }

    static void setEnabled(boolean value) {
        enabled = value;
    }

    /** Records {@code n} more finished items and redraws at most ten times a second. */
    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (draw && (now - lastDrawNanos > 100_000_000L || done >= total)) {
            lastDrawNanos = now;
            stream.print("\r" + render(now));
            stream.flush();
        }
    }

    /** Sets a short text drawn after the counts, such as the current loss and learning rate. */
    public synchronized void status(String text) {
        this.status = text == null ? "" : text;
    }

    private String render(long now) {
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        double elapsedSeconds = (now - startNanos) / 1e9;
        double etaSeconds = done > 0 ? elapsedSeconds * (total - done) / done : Double.NaN;
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d %.0fs elapsed, ETA %s%s", label,
                "#".repeat(filled), " ".repeat(width - filled), done, total, elapsedSeconds,
                Double.isNaN(etaSeconds) ? "?" : String.format(Locale.ROOT, "%.0fs", etaSeconds),
                status.isEmpty() ? "" : " " + status);
    }

    @Override
    public synchronized void close() {
        if (draw) {
            stream.print("\r" + " ".repeat(100) + "\r");
            stream.flush();
        }
    }
}
