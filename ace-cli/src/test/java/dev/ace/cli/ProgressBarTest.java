package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Console console(boolean terminal, Map<String, String> environment) {
        return Console.of(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), terminal, environment,
                Path.of("."));
    }

    @Test
    void theLineShowsTheBarTheShareTheCountTheRateAndTheTimeLeft() {
        AtomicLong nanos = new AtomicLong();
        ProgressBar bar = ProgressBar.detached(console(false, Map.of("COLUMNS", "120")), "table-diff public.t", "ranges",
                nanos::get);
        bar.update(0, 200);
        assertThat(bar.line()).isEqualTo("table-diff public.t [>                   ] 0% 0/200 ranges 0s");
        nanos.set(Duration.ofSeconds(10).toNanos());
        bar.update(50, 200);
        assertThat(bar.line()).isEqualTo("table-diff public.t [=====>              ] 25% 50/200 ranges 5.0/s 30s left");
        bar.update(200, 200);
        assertThat(bar.line()).isEqualTo("table-diff public.t [====================] 100% 200/200 ranges 20/s");
    }

    @Test
    void withoutATotalTheLineCountsAndShowsTheRate() {
        AtomicLong nanos = new AtomicLong();
        ProgressBar bar = ProgressBar.detached(console(false, Map.of()), "table-repair public.t (dry run)",
                "rows planned", nanos::get);
        nanos.set(Duration.ofSeconds(4).toNanos());
        assertThat(bar.line()).isEqualTo("table-repair public.t (dry run) starting 4s");
        nanos.set(Duration.ofSeconds(6).toNanos());
        bar.update(12_000, 0);
        assertThat(bar.line()).isEqualTo("table-repair public.t (dry run) 12,000 rows planned 2,000/s");
    }

    @Test
    void theLineIsCutToTheTerminalsWidthAndLongRunsShowMinutes() {
        AtomicLong nanos = new AtomicLong();
        ProgressBar bar = ProgressBar.detached(console(false, Map.of("COLUMNS", "50")), "table-diff public.t", "ranges",
                nanos::get);
        nanos.set(Duration.ofSeconds(100).toNanos());
        bar.update(1, 100);
        assertThat(bar.line()).hasSize(49).startsWith("table-diff public.t [>");
        assertThat(ProgressBar.duration(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(ProgressBar.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }

    @Test
    void onATerminalTheBarIsDrawnInPlaceAndClearedAtTheEnd() throws Exception {
        try (ProgressBar bar = ProgressBar.start(console(true, Map.of()), false, "table-diff public.t", "ranges")) {
            bar.update(3, 4);
            Thread.sleep(350);
        }
        String drawn = err.toString();
        assertThat(drawn).startsWith("\r").contains("3/4 ranges").endsWith("\r\u001b[K");
    }

    @Test
    void offATerminalOrQuietNothingIsDrawn() throws Exception {
        try (ProgressBar bar = ProgressBar.start(console(false, Map.of()), false, "table-diff public.t", "ranges")) {
            bar.update(3, 4);
            Thread.sleep(250);
        }
        try (ProgressBar bar = ProgressBar.start(console(true, Map.of()), true, "table-diff public.t", "ranges")) {
            bar.update(3, 4);
            Thread.sleep(250);
        }
        assertThat(err.toString()).isEmpty();
    }
}
