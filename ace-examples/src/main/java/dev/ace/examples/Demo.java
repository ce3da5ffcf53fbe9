package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeStatus;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.report.DiffRenderers;
import dev.ace.report.RepairRenderers;
import dev.ace.report.ReportFiles;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.Replication;
import dev.ace.testkit.TestDatabase;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The README's main job. With no cluster configured it starts three embedded PostgreSQL nodes,
 * replicates a table from n1 to n2 and n3 with native logical replication, makes the nodes
 * diverge as real clusters do (a paused subscription, a write on one node), writes the cluster
 * file and an {@code ace.yaml}, shows what ACE sees, runs table-diff before and after the
 * paused subscriber catches up, repairs from n1 (dry run, then live with reports), and
 * confirms with table-rerun and a full table-diff that nothing differs any more. Then it starts
 * the HTTPS API on generated certificates, submits a table-diff over HTTPS with a client
 * certificate, polls task-status until the task completes, prints the answer and stops the server.
 *
 * <p>With {@code ACE_CONFIG} (an {@code ace.yaml}) and {@code ACE_CLUSTER} set it checks that
 * cluster instead: every node reachable, and with {@code ACE_TABLE} the table's shape agreed on
 * by every node ({@code ACE_DBNAME} and {@code ACE_ROLE} are optional).
 */
public final class Demo {

    private final PrintStream out;
    private final Path workDirectory;

    public Demo(PrintStream out, Path workDirectory) {
        this.out = out;
        this.workDirectory = workDirectory;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        Demo demo = new Demo(System.out, Path.of(env.getOrDefault("ACE_DEMO_DIR", "ace-output/demo")));
        try {
            if (env.containsKey("ACE_CONFIG") || env.containsKey("ACE_CLUSTER")) {
                demo.checkConfiguredCluster(env);
            } else {
                demo.runOnEmbeddedNodes();
            }
        } catch (AceException e) {
            System.err.println("ace: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Starts an embedded 3-node cluster, makes it look like a real one, and shows what ACE sees. */
    public void runOnEmbeddedNodes() {
        out.println("== ACE demo on embedded PostgreSQL nodes (no cluster configured)");
        out.println("Starting 3 nodes ...");
        try (PgCluster cluster = PgCluster.builder().name("demo").nodes(3).start()) {
            for (PgNode node : cluster.nodes()) {
                out.printf("  %s  listening on %s%n", node.name(), node.address());
            }
            TestDatabase db = cluster.createDatabase("demo");
            db.executeOnAll("CREATE TABLE public.customers (id bigint PRIMARY KEY, name text NOT NULL, "
                    + "email text, balance numeric(12,2), updated_at timestamptz NOT NULL DEFAULT now())");
            db.execute("n1", "INSERT INTO public.customers (id, name, email, balance) "
                    + "SELECT i, 'customer ' || i, 'c' || i || '@example.com', (i * 7 % 1000) / 4.0 "
                    + "FROM generate_series(1, 5000) AS i");
            out.println("Replicating public.customers from n1 to n2 and n3 (native logical replication) ...");
            db.replication().subscribe("n1", "n2", "public.customers");
            Replication.Subscription toN3 = db.replication().subscribe("n1", "n3", "public.customers");

            out.println("Making the nodes diverge as real clusters do:");
            out.println("  - n3's subscription is paused (an outage), and n1 takes writes meanwhile");
            toN3.pause();
            db.execute("n1", "UPDATE public.customers SET balance = balance + 100 WHERE id IN (42, 4242)",
                    "DELETE FROM public.customers WHERE id = 7",
                    "INSERT INTO public.customers (id, name, email, balance) VALUES (5001, 'new customer', NULL, 0)");
            out.println("  - someone writes on n2 directly (a bad deploy); that never replicates");
            db.execute("n2", "UPDATE public.customers SET email = NULL WHERE id = 100",
                    "INSERT INTO public.customers (id, name, email, balance) VALUES (9999, 'only on n2', '', 1)");

            Path clusterDirectory = workDirectory.resolve("cluster").toAbsolutePath();
            Path clusterFile = db.writeClusterJson(clusterDirectory);
            Path configFile = writeConfig(clusterDirectory);
            out.println("Cluster file: " + clusterFile);
            out.println("ACE config:   " + configFile);

            try (Ace ace = Ace.create(AceConfig.load(configFile))) {
                showCluster(ace, "demo", null, "public.customers", CallerRole.SERVICE);
                out.println();
                out.println("== table-diff public.customers on n1, n2, n3");
                DiffResult result = ace.diff().diff(TableDiffRequest.builder("demo", "public.customers").build());
                out.println(result.describe());
                DiffFile diffFile = DiffFile.open(result.diffFile());
                ReportFiles reports = new ReportFiles(ace.config().outputDirectory());
                DiffRenderers renderers = DiffRenderers.standard();
                out.println("  HTML report: " + reports.write(result.table(), "diff",
                        renderers.get(TableDiffRequest.Output.HTML), diffFile));
                out.println("  CSV report:  " + reports.write(result.table(), "diff",
                        renderers.get(TableDiffRequest.Output.CSV), diffFile));

                out.println();
                out.println("n3's subscription resumes and catches up; table-diff again:");
                toN3.resume();
                toN3.awaitCatchUp();
                DiffResult after = ace.diff().diff(TableDiffRequest.builder("demo", "public.customers").build());
                out.println(after.describe());
                out.println("What is left is n2's own writes: real divergence, not replication lag.");

                out.println();
                out.println("== table-repair from n1 (the source of truth): first a dry run, then for real");
                TableRepairRequest.Builder repair = TableRepairRequest.builder("demo", "public.customers")
                        .diffFile(after.diffFile()).sourceOfTruth("n1").quiet(true);
                out.println(ace.repair().repair(repair.dryRun(true).build()).describe());
                RepairResult repaired = ace.repair().repair(repair.dryRun(false).generateReport(true).build());
                out.println(repaired.describe());
                out.println("  HTML repair report: " + reports.write(repaired.table(), "repair",
                        RepairRenderers.standard().get(TableDiffRequest.Output.HTML), repaired));

                out.println();
                out.println("== table-rerun of the diff's keys, then a full table-diff");
                DiffResult rerun = ace.rerun().rerun(TableRerunRequest.builder("demo", "public.customers")
                        .diffFile(after.diffFile()).quiet(true).build());
                out.println(rerun.describe());
                out.println(ace.diff().diff(TableDiffRequest.builder("demo", "public.customers").build()).describe());
            }

            out.println();
            out.println("== The HTTPS API: a table-diff over HTTPS with a client certificate (docs/api.md)");
            n2WritesAgain(db);
            ApiExample.diffOverHttps(AceConfig.load(configFile), workDirectory.resolve("tls").toAbsolutePath(), "demo",
                    "public.customers", "postgres", out);
            out.println("Done: the nodes stop now. Point ACE_CONFIG and ACE_CLUSTER at your own cluster to check it.");
        }
    }

    /** One more write on n2 alone, so that the API's diff has something to find. */
    private void n2WritesAgain(TestDatabase db) {
        out.println("  (n2 takes one more write of its own first)");
        db.execute("n2", "UPDATE public.customers SET name = 'renamed on n2' WHERE id = 1234");
    }

    /** Checks a cluster the user configured. */
    public void checkConfiguredCluster(Map<String, String> env) {
        String configFile = env.get("ACE_CONFIG");
        String clusterName = env.get("ACE_CLUSTER");
        if (configFile == null || clusterName == null) {
            throw new dev.ace.core.error.InvalidRequestException("set both ACE_CONFIG (the ace.yaml) and ACE_CLUSTER "
                    + "(the cluster name), or neither to run the demo on embedded nodes");
        }
        String role = env.get("ACE_ROLE");
        out.println("== ACE check of cluster " + clusterName + " (" + configFile + ")");
        try (Ace ace = Ace.create(AceConfig.load(Path.of(configFile)))) {
            showCluster(ace, clusterName, env.get("ACE_DBNAME"), env.get("ACE_TABLE"),
                    role == null ? CallerRole.SERVICE : CallerRole.of(role));
        }
    }

    private void showCluster(Ace ace, String clusterName, String dbname, String table, CallerRole role) {
        ClusterDefinition cluster = ace.cluster(clusterName, dbname);
        out.println("Cluster " + cluster.name() + ", database " + cluster.database() + ", from " + cluster.source());
        for (NodeStatus status : ace.checkNodes(clusterName, dbname, "all", role)) {
            out.printf("  %-4s %-22s PostgreSQL %-8s as %-10s %4d ms%n", status.node().name(), status.node().address(),
                    status.serverVersion(), status.currentUser(), status.roundTrip().toMillis());
        }
        if (table != null) {
            TableSchema schema = ace.catalog().checkTable(clusterName, table, dbname, "all", role);
            out.println("Table " + schema.table() + " has the same shape on every node:");
            schema.columns().forEach(column -> out.println("    " + column));
            out.println("  primary key (" + String.join(", ", schema.primaryKey()) + ")");
        }
    }

    private Path writeConfig(Path clusterDirectory) {
        Path file = workDirectory.resolve("ace.yaml").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# written by the ACE demo; see docs/configuration.md\n"
                    + "cluster_dir: " + clusterDirectory + "\n"
                    + "output_dir: " + workDirectory.toAbsolutePath() + "\n"
                    + "block_rows: 1000\n");
        } catch (java.io.IOException e) {
            throw new dev.ace.core.error.AceException(dev.ace.core.error.ErrorCode.IO_ERROR, "could not write " + file + ": "
                    + e.getMessage(), e);
        }
        return file;
    }
}
