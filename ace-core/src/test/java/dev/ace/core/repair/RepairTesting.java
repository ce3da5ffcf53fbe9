package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Shared set-up and checks of repair and rerun tests. */
public final class RepairTesting {

    private RepairTesting() {
    }

    public static Ace ace(TestDatabase db, Path dir) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .build());
    }

    /** A full diff of the table on the given nodes, every difference collected. */
    public static DiffResult diff(Ace ace, String table, String nodes) {
        return ace.diff().diff(TableDiffRequest.builder("acetest", table).nodes(nodes).maxDiffRows(0).build());
    }

    public static TableRepairRequest.Builder repair(String table, DiffResult diff) {
        return TableRepairRequest.builder("acetest", table).diffFile(diff.diffFile());
    }

    public static DiffResult rerun(Ace ace, String table, DiffResult diff, RerunBehavior behavior) {
        return ace.rerun().rerun(TableRerunRequest.builder("acetest", table).diffFile(diff.diffFile())
                .behavior(behavior).build());
    }

    /** Every key (joined by commas) anywhere in the diff file, any pair, any node. */
    public static Set<String> allKeys(DiffResult result) {
        Set<String> keys = new TreeSet<>();
        DiffFile.open(result.diffFile()).forEachRow((pair, node, row) -> keys.add(String.join(",", row.key())));
        return keys;
    }

    /**
     * Every row of the table on a node, in key order, as the binary form PostgreSQL sends it
     * ({@code record_send}) without the type OIDs (which differ between nodes for user-defined
     * types): each column's length and bytes, in hex. Equal lists mean byte-for-byte equal rows.
     */
    public static List<String> binaryRows(TestDatabase db, String node, String table, String orderBy) {
        PgNode pg = db.node(node);
        List<String> rows = new ArrayList<>();
        try (Connection connection = pg.connect(db.name()); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT record_send(t) FROM " + table + " AS t ORDER BY "
                     + orderBy)) {
            while (result.next()) {
                rows.add(withoutTypeOids(result.getBytes(1)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static String withoutTypeOids(byte[] record) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(record);
        int columns = buffer.getInt();
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < columns; c++) {
            buffer.getInt(); // the type's OID
            int length = buffer.getInt();
            out.append(c == 0 ? "" : "|").append(length);
            if (length > 0) {
                byte[] data = new byte[length];
                buffer.get(data);
                out.append(':').append(HexFormat.of().formatHex(data));
            }
        }
        return out.toString();
    }

    /** Every row of the table on a node as text, in key order. */
    public static List<String> textRows(TestDatabase db, String node, String table, String orderBy) {
        return db.queryColumn(node, "SELECT t::text FROM " + table + " AS t ORDER BY " + orderBy);
    }
}
