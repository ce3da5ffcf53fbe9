package dev.ace.http;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How errors that say "try again later" are answered. */
class ErrorResponsesTest {

    @Test
    void aBusyNodeIsA503WithRetryAfterAndItsMessage() {
        ErrorResponses.Answer answer = ErrorResponses.of(new AceException(ErrorCode.NODE_BUSY,
                "node n1 (127.0.0.1:5432, database app) is busy"), "POST /ace/table-diff for CN alice");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("Retry-After", ErrorResponses.RETRY_AFTER_BUSY);
        assertThat(answer.message()).isEqualTo("node n1 (127.0.0.1:5432, database app) is busy");
    }
}
