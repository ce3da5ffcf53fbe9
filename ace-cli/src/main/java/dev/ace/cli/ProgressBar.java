package dev.ace.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The one progress renderer of {@code ace}: a line on standard error, redrawn in place ten times a
 * second, with a bar, the share done, what is done of the total (key ranges, rows), the rate and
 * the time left. Drawn only when standard error is a terminal and the command is not quiet;
 * otherwise every method does nothing. The line is cleared when the bar is closed, so the summary
 * that follows stands alone.
 *
 * <p>{@link #update} may be called from any thread (the operations report from their workers); it
 * only records the numbers, and one daemon thread draws. A total of 0 or less means the total is
 * not known yet: the line then shows the count and the rate only.
 */
final class ProgressBar implements AutoCloseable {

    private static final int BAR_WIDTH = 20;
    private static final long REDRAW_MILLIS = 100;

    private final Console console;
    private final String label;
    private final String unit;
    private final LongSupplier clock;
    private final long startNanos;
    private final Thread painter;
    private volatile long done;
    private volatile long total;
    private volatile boolean closed;
    private String lastLine = "";

    private ProgressBar(Console console, String label, String unit, LongSupplier clock, boolean draw) {
        this.console = console;
        this.label = label;
        this.unit = unit;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        if (draw) {
            paint();
            painter = new Thread(this::paintUntilClosed, "ace-progress");
            painter.setDaemon(true);
            painter.start();
        } else {
            painter = null;
        }
    }

    /**
     * A progress line for {@code label} ({@code table-diff app.users}) counting {@code unit}
     * ({@code ranges}, {@code rows}); drawn only if standard error is a terminal and {@code quiet} is false.
     */
    static ProgressBar start(Console console, boolean quiet, String label, String unit) {
        return new ProgressBar(console, label, unit, System::nanoTime, console.errIsTerminal() && !quiet);
    }

    /** A bar that draws nothing, for tests of {@link #line}. */
    static ProgressBar detached(Console console, String label, String unit, LongSupplier clock) {
        return new ProgressBar(console, label, unit, clock, false);
    }

    /** Records how far the operation has come; {@code total} of 0 or less: not known yet. */
    void update(long doneNow, long totalNow) {
        this.done = doneNow;
        this.total = totalNow;
    }

    /** Stops drawing and clears the line. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (painter != null) {
            painter.interrupt();
            try {
                painter.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                console.err().print("\r\u001b[K");
                console.err().flush();
            }
        }
    }

    /** Draws the line now if it changed since it was last drawn (the first line at once, so the user sees it start). */
    private synchronized void paint() {
        String line = line();
        if (!line.equals(lastLine) && !closed) {
            console.err().print("\r" + line + "\u001b[K");
            console.err().flush();
            lastLine = line;
        }
    }

    private void paintUntilClosed() {
        while (!closed) {
            paint();
            try {
                Thread.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The line as it would be drawn now, cut to the terminal's width:
     * {@code table-diff public.orders [=====>       ] 45% 728/1,600 ranges 50/s 17s left}.
     */
    String line() {
        long doneNow = done;
        long totalNow = total;
        double seconds = (clock.getAsLong() - startNanos) / 1e9;
        StringBuilder text = new StringBuilder(label).append(' ');
        if (totalNow > 0) {
            double share = Math.min(1.0, (double) doneNow / totalNow);
            int filled = (int) Math.floor(share * BAR_WIDTH);
            text.append('[').append(console.paintErr("=".repeat(filled), Console.Style.GREEN))
                    .append(filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "").append("] ")
                    .append((int) Math.floor(share * 100)).append("% ")
                    .append(count(doneNow)).append('/').append(count(totalNow)).append(' ').append(unit);
        } else if (doneNow > 0) {
            text.append(count(doneNow)).append(' ').append(unit);
        } else {
            text.append("starting");
        }
        if (seconds >= 1 && doneNow > 0) {
            double rate = doneNow / seconds;
            text.append(' ').append(rate(rate)).append("/s");
            if (totalNow > doneNow) {
                text.append(' ').append(duration(Duration.ofSeconds((long) Math.ceil((totalNow - doneNow) / rate))))
                        .append(" left");
            }
        } else {
            text.append(' ').append(duration(Duration.ofSeconds((long) seconds)));
        }
        return cut(text.toString(), console.width() - 1);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String rate(double perSecond) {
        return perSecond >= 10 ? count(Math.round(perSecond)) : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /** Cuts text to {@code width} visible characters, keeping colour codes whole. */
    private static String cut(String text, int width) {
        StringBuilder kept = new StringBuilder();
        int visible = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u001b') {
                int end = text.indexOf('m', i);
                kept.append(text, i, end + 1);
                i = end;
            } else if (visible < width) {
                kept.append(c);
                visible++;
            }
        }
        return kept.toString();
    }
}
