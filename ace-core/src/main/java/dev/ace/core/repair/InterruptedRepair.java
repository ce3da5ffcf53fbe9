package dev.ace.core.repair;

import java.util.List;
import java.util.Objects;

/**
 * An atomic repair found with its transaction still prepared on some nodes after ACE stopped in
 * the middle of its commit (its process was killed, say), and what was done about it; see
 * {@link RepairService#resolveInterrupted} and {@code docs/repair.md}.
 *
 * @param runId      the repair's task id
 * @param resolution how it ended
 * @param nodes      the nodes that held its transaction prepared
 * @param message    what was found and done, in words, with the command to run by hand when it was left as it is
 */
public record InterruptedRepair(String runId, Resolution resolution, List<String> nodes, String message) {

    /** How an interrupted repair was ended. */
    public enum Resolution {
        /** It had decided to commit (it committed somewhere, or every target had prepared): committed everywhere. */
        COMMITTED,
        /** Not every target had prepared and none had committed: rolled back everywhere. */
        ROLLED_BACK,
        /** It is still running: its own commit ends it. */
        RUNNING,
        /** It could not be decided or ended (a node did not answer, a command failed): left as it is. */
        UNRESOLVED
    }

    public InterruptedRepair {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(resolution, "resolution");
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(message, "message");
    }
}
