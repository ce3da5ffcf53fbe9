package dev.ace.core.internal.repair;

import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.repair.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dry run's target: nothing is written. Each unit's rows are read from the target in one
 * read-only snapshot, and a change whose row there differs from what the diff recorded is a
 * conflict; at the end the role's privileges for the statements a live run would make are
 * checked, and the changes that would be applied are counted. No lock is taken and Spock's repair
 * mode is not switched on (it is only looked for). Not thread-safe.
 */
final class DryRunWriter extends TargetWriter {

    /** The kinds of changes a live run would apply. */
    private final Set<RowChange.Kind> kinds = EnumSet.noneOf(RowChange.Kind.class);

    DryRunWriter(RepairJob job, Target target, RepairSessions sessions) {
        super(job, target, sessions);
    }

    @Override
    void begin() throws SQLException {
        sessions.replicationRole(target);
        sessions.detectSpock(target);
    }

    @Override
    void write(Unit unit, List<Change> open) throws SQLException {
        Map<String, List<String>> now = job.sql().read(target.session.connection(),
                open.stream().map(change -> change.key).toList(), RepairEngine.BATCH);
        for (Change change : open) {
            change.conflict = Change.reason(target.name(), change.expected, now.get(change.keyId));
        }
    }

    /** Counts the part's changes a live run would apply, and the kinds of statements it would need. */
    @Override
    void endPart(List<Unit> units) {
        for (Unit unit : units) {
            for (Change change : unit.changes) {
                if (change.conflict == null) {
                    target.applied(change);
                    kinds.add(change.kind);
                }
            }
        }
    }

    @Override
    void finish() throws SQLException {
        checkPrivileges(target.session.connection());
        target.end(Target.Outcome.CHECKED);
    }

    /** The privileges on the table that the live run's statements would need. */
    private void checkPrivileges(Connection connection) throws SQLException {
        for (RowChange.Kind kind : kinds) {
            String privilege = kind.name();
            String check = kind == RowChange.Kind.DELETE
                    ? "SELECT has_table_privilege(?::regclass, 'DELETE')"
                    : "SELECT bool_and(has_column_privilege(a.attrelid, a.attnum, '" + privilege + "')) "
                    + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 "
                    + "AND NOT a.attisdropped AND a.attgenerated = ''";
            try (PreparedStatement statement = connection.prepareStatement(check)) {
                statement.setString(1, job.table().quoted());
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        String who = job.request.role().name().map(name -> "role " + name)
                                .orElse("ACE's user " + target.node.user());
                        throw new PermissionDeniedException(who + " lacks the " + privilege + " privilege on "
                                + job.table() + " on node " + target.node.describe()
                                + ", which this repair needs", null);
                    }
                }
            }
        }
    }
}
