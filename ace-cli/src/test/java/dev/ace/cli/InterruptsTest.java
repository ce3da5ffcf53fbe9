package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Cancellation;
import org.junit.jupiter.api.Test;

class InterruptsTest {

    @Test
    void ctrlCCancelsTheRunningOperationAndNamesIt() {
        Interrupts interrupts = new Interrupts();
        assertThat(interrupts.interrupt()).as("nothing running").isNull();
        Interrupts running = new Interrupts();
        Cancellation cancellation = running.begin("table-repair");
        assertThat(running.interrupt()).isEqualTo("table-repair");
        assertThat(cancellation.isCancelled()).isTrue();
        assertThat(running.interrupted()).isTrue();
    }

    @Test
    void anOperationStartedAfterCtrlCIsCancelledAtOnceAndOneThatEndedIsLeftAlone() {
        Interrupts interrupts = new Interrupts();
        Cancellation finished = interrupts.begin("table-diff");
        interrupts.end();
        interrupts.interrupt();
        assertThat(finished.isCancelled()).isFalse();
        assertThat(interrupts.begin("table-rerun").isCancelled()).isTrue();
    }
}
