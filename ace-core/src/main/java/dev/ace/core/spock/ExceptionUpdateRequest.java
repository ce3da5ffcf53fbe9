package dev.ace.core.spock;

import dev.ace.core.CallerRole;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The API's {@code update-spock-exception} body: which node, which exception
 * ({@code exception_details.remote_origin}, {@code remote_commit_ts}, {@code remote_xid},
 * optionally {@code command_counter}), the new {@code status} and optional
 * {@code resolution_details}. Building checks every option against the table of options
 * ({@link Options}) and lists every problem at once. Immutable and thread-safe.
 *
 * <pre>{@code
 * ExceptionUpdateRequest request = ExceptionUpdateRequest.builder("prod", "n2")
 *         .exception(16385, Instant.parse("2024-03-15T12:34:56Z"), 123456).status(ExceptionStatus.RESOLVED)
 *         .resolutionDetails(Map.of("details", "Issue fixed")).build();
 * }</pre>
 *
 * @param remoteOrigin the origin node: its {@code spock.node.node_id}, or its name, resolved on the node when the
 *        update runs; required
 * @param remoteCommitTs the commit time on the origin, to the microsecond; required
 * @param remoteXid the transaction id on the origin; required
 * @param commandCounter only this failed command; null: the whole exception
 * @param status the new status; required
 * @param resolutionDetails a JSON object (String, Number, Boolean, null, List and Map values), stored as jsonb; null
 *        stores SQL NULL
 */
public record ExceptionUpdateRequest(String clusterName, String nodeName, String dbname, RemoteOrigin remoteOrigin,
                                     Instant remoteCommitTs, Long remoteXid, Integer commandCounter,
                                     ExceptionStatus status, Map<String, Object> resolutionDetails, CallerRole role) {

    public ExceptionUpdateRequest {
        Objects.requireNonNull(role, "role");
        dbname = dbname == null || dbname.isBlank() ? null : dbname;
        // unmodifiable and checked: JSON values only, no NUL (jsonb cannot hold it)
        resolutionDetails = values(clusterName, nodeName, dbname, remoteOrigin, remoteCommitTs, remoteXid,
                commandCounter, status, resolutionDetails).get(Options.RESOLUTION_DETAILS).orElse(null);
    }

    public static Builder builder(String clusterName, String nodeName) {
        return new Builder(clusterName, nodeName);
    }

    /** A request of parsed options ({@link Options#parse}); add the role before building. */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.SPOCK_EXCEPTION_UPDATE) {
            throw new IllegalArgumentException("options of " + values.operation().apiName()
                    + ", not of update-spock-exception");
        }
        Builder builder = new Builder(values.get(Options.CLUSTER_NAME).orElse(null),
                values.get(Options.NODE_NAME).orElse(null)).dbname(values.get(Options.DBNAME).orElse(null))
                .commandCounter(values.get(Options.COMMAND_COUNTER).orElse(null))
                .status(values.get(Options.EXCEPTION_STATUS).orElse(null))
                .resolutionDetails(values.get(Options.RESOLUTION_DETAILS).orElse(null));
        builder.remoteOrigin = values.get(Options.REMOTE_ORIGIN).orElse(null);
        builder.remoteCommitTs = values.get(Options.REMOTE_COMMIT_TS).orElse(null);
        builder.remoteXid = values.get(Options.REMOTE_XID).orElse(null);
        return builder;
    }

    /** The request of parsed options, as ACE's own user. */
    public static ExceptionUpdateRequest from(OptionValues values) {
        return builder(values).build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder(clusterName, nodeName).dbname(dbname).commandCounter(commandCounter)
                .status(status).resolutionDetails(resolutionDetails).role(role);
        builder.remoteOrigin = remoteOrigin;
        builder.remoteCommitTs = remoteCommitTs;
        builder.remoteXid = remoteXid;
        return builder;
    }

    /** The options, by their API names, as the JSON API writes them ({@code exception_details} as an object). Immutable. */
    public Map<String, Object> options() {
        return values(clusterName, nodeName, dbname, remoteOrigin, remoteCommitTs, remoteXid, commandCounter, status,
                resolutionDetails).toMap();
    }

    private static OptionValues values(String clusterName, String nodeName, String dbname, RemoteOrigin remoteOrigin,
                                       Instant remoteCommitTs, Long remoteXid, Integer commandCounter,
                                       ExceptionStatus status, Map<String, Object> resolutionDetails) {
        return OptionValues.builder(Operation.SPOCK_EXCEPTION_UPDATE).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.NODE_NAME, nodeName).set(Options.DBNAME, dbname).set(Options.REMOTE_ORIGIN, remoteOrigin)
                .set(Options.REMOTE_COMMIT_TS, remoteCommitTs).set(Options.REMOTE_XID, remoteXid)
                .set(Options.COMMAND_COUNTER, commandCounter).set(Options.EXCEPTION_STATUS, status)
                .set(Options.RESOLUTION_DETAILS, resolutionDetails).build();
    }

    /** Options of an exception update; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String nodeName;
        private String dbname;
        private RemoteOrigin remoteOrigin;
        private Instant remoteCommitTs;
        private Long remoteXid;
        private Integer commandCounter;
        private ExceptionStatus status;
        private Map<String, Object> resolutionDetails;
        private CallerRole role = CallerRole.SERVICE;

        private Builder(String clusterName, String nodeName) {
            this.clusterName = clusterName;
            this.nodeName = nodeName;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        /** The exception's key, as in {@code exception_details}: origin node_id, commit time, transaction id. */
        public Builder exception(long origin, Instant commitTs, long xid) {
            return exception(RemoteOrigin.id(origin), commitTs, xid);
        }

        /** The exception's key with the origin by node name, resolved on the node when the update runs. */
        public Builder exception(String originNodeName, Instant commitTs, long xid) {
            return exception(originNodeName == null ? null : RemoteOrigin.named(originNodeName), commitTs, xid);
        }

        /** The exception's key: its origin, commit time and transaction id. */
        public Builder exception(RemoteOrigin origin, Instant commitTs, long xid) {
            this.remoteOrigin = origin;
            this.remoteCommitTs = commitTs;
            this.remoteXid = xid;
            return this;
        }

        /** Only this failed command of the transaction (null updates the whole exception). */
        public Builder commandCounter(Integer value) {
            this.commandCounter = value;
            return this;
        }

        public Builder status(ExceptionStatus value) {
            this.status = value;
            return this;
        }

        /** A JSON object as a JSON decoder gives it, or null to store no details. */
        public Builder resolutionDetails(Map<String, ?> value) {
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) value;
            this.resolutionDetails = details;
            return this;
        }

        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public ExceptionUpdateRequest build() {
            return new ExceptionUpdateRequest(clusterName, nodeName, dbname, remoteOrigin, remoteCommitTs, remoteXid,
                    commandCounter, status, resolutionDetails, role);
        }
    }
}
