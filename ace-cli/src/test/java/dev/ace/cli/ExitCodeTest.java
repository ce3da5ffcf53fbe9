package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.error.ErrorCode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void theCodesAreThoseDiffUsersExpect() {
        assertThat(Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code)).containsExactly(0, 1, 2, 3, 130);
    }

    @Test
    void whatTheUserCanFixIsBadUsageAndWhatHappenedOnTheNodesIsAFailure() {
        assertThat(ExitCode.of(ErrorCode.INVALID_REQUEST)).isEqualTo(ExitCode.USAGE);
        assertThat(ExitCode.of(ErrorCode.INVALID_CONFIGURATION)).isEqualTo(ExitCode.USAGE);
        assertThat(ExitCode.of(ErrorCode.CLUSTER_NOT_FOUND)).isEqualTo(ExitCode.USAGE);
        assertThat(ExitCode.of(ErrorCode.NODE_NOT_FOUND)).isEqualTo(ExitCode.USAGE);
        assertThat(ExitCode.of(ErrorCode.INVALID_CLUSTER_DEFINITION)).isEqualTo(ExitCode.USAGE);
        assertThat(ExitCode.of(ErrorCode.NODE_UNREACHABLE)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ErrorCode.PERMISSION_DENIED)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ErrorCode.AUTHENTICATION_FAILED)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ErrorCode.TOO_MANY_TASKS)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ErrorCode.NODE_BUSY)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.FAILURE.code()).isEqualTo(3);
        assertThat(ExitCode.of(ErrorCode.INTERNAL)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ErrorCode.CANCELLED)).isEqualTo(ExitCode.CANCELLED);
        assertThat(ExitCode.of(ErrorCode.INTERRUPTED)).isEqualTo(ExitCode.CANCELLED);
    }

    @Test
    void everyErrorCodeHasAnExitCodeOtherThanSuccessOrDifferences() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ExitCode.of(code)).as(code.name()).isNotIn(ExitCode.OK, ExitCode.DIFFERENCES);
        }
    }
}
