package dev.ace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Keeps the repair benchmark working on a small table: the repair must be exact. Timings are
 * printed by the benchmark command, not asserted: a shared 2-core machine is no place for a time limit.
 */
class RepairBenchmarkTest {

    @Test
    void theRepairBenchmarkRepairsExactlyTheDifferingRows() throws Exception {
        RepairBenchmark.Run median = RepairBenchmark.run(5_000, 1, 0, System.out);
        assertThat(median.exact()).isTrue();
        assertThat(median.deleted() + median.inserted() + median.updated()).isEqualTo(5_000);
    }
}
