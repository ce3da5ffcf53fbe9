package dev.ace.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Keeps the repair benchmark working: a small run by default (the repair must be exact); the full
 * run with {@code -Dace.benchmark.rows=100000} (and {@code -Dace.benchmark.repeat=3}) prints the
 * timings. Timings are printed, not asserted: a shared 2-core machine is no place for a time limit.
 */
class RepairBenchmarkTest {

    @Test
    void theRepairBenchmarkRepairsExactlyTheDifferingRows() throws Exception {
        long rows = Long.getLong("ace.benchmark.rows", 5_000L);
        int repeat = Integer.getInteger("ace.benchmark.repeat", 1);
        RepairBenchmark.Run median = RepairBenchmark.run(rows, repeat, System.out);
        assertThat(median.exact()).isTrue();
        assertThat(median.deleted() + median.inserted() + median.updated()).isEqualTo(rows);
    }
}
