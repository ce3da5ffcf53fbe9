package dev.ace.core.spock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ace.core.CallerRole;
import java.util.Objects;

/**
 * The API's {@code update-spock-exception} body: which node, which exception
 * ({@code remote_origin}, {@code remote_commit_ts}, {@code remote_xid}, optionally
 * {@code command_counter}), the new {@code status} and optional {@code resolution_details}.
 * Values are kept as the user gave them (text, as they arrive in JSON) and validated when the
 * update runs, all problems listed at once. Immutable; build with {@link #builder}.
 */
public record ExceptionUpdateRequest(String clusterName, String nodeName, String dbname, String remoteOrigin,
                                     String remoteCommitTs, String remoteXid, String commandCounter, String status,
                                     JsonNode resolutionDetails, CallerRole role) {

    public ExceptionUpdateRequest {
        Objects.requireNonNull(role, "role");
    }

    public static Builder builder(String clusterName, String nodeName) {
        return new Builder(clusterName, nodeName);
    }

    /** Options of an exception update; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String nodeName;
        private String dbname;
        private String remoteOrigin;
        private String remoteCommitTs;
        private String remoteXid;
        private String commandCounter;
        private String status;
        private JsonNode resolutionDetails;
        private CallerRole role = CallerRole.SERVICE;

        private Builder(String clusterName, String nodeName) {
            this.clusterName = clusterName;
            this.nodeName = nodeName;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        /** The exception's key, as in {@code exception_details}. */
        public Builder exception(String origin, String commitTs, String xid) {
            this.remoteOrigin = origin;
            this.remoteCommitTs = commitTs;
            this.remoteXid = xid;
            return this;
        }

        /** Only this failed command of the transaction (omit to update the whole exception). */
        public Builder commandCounter(String value) {
            this.commandCounter = value;
            return this;
        }

        public Builder status(String value) {
            this.status = value;
            return this;
        }

        /** A JSON object, or null to store no details. */
        public Builder resolutionDetails(JsonNode value) {
            this.resolutionDetails = value;
            return this;
        }

        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        public ExceptionUpdateRequest build() {
            return new ExceptionUpdateRequest(clusterName, nodeName, dbname, remoteOrigin, remoteCommitTs, remoteXid,
                    commandCounter, status, resolutionDetails, role);
        }
    }
}
