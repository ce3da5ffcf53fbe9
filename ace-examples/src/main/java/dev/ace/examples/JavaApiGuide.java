package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.cluster.NodeStatus;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.report.DiffRenderers;
import dev.ace.report.ReportFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The code {@code docs/java-api.md} shows, between {@code // snippet:NAME} and
 * {@code // end:NAME}: the page includes these lines (a test in this module fails when they
 * differ), and {@code JavaApiGuideTest} runs them against real nodes.
 */
public final class JavaApiGuide {

    private JavaApiGuide() {
    }

    /** Opens ACE from an ace.yaml, or from settings given in code. */
    public static Ace open(Path aceYaml, Path clusterDirectory, Path outputDirectory) {
        if (aceYaml != null) {
            // snippet:open-yaml
            Ace ace = Ace.create(AceConfig.load(aceYaml));
            // end:open-yaml
            return ace;
        }
        // snippet:open-builder
        AceConfig config = AceConfig.builder()
                .clusterDirectory(clusterDirectory)          // <dir>/<cluster>/<cluster>.json
                .outputDirectory(outputDirectory)            // diffs/ and reports/ go here
                .statementTimeout(Duration.ofMinutes(5))
                .build();                                    // every problem at once, in the settings' names
        Ace ace = Ace.create(config);                        // thread-safe: share one, close it at the end
        // end:open-builder
        return ace;
    }

    /** Checks that every node answers, then diffs a table, with progress; returns the result. */
    public static DiffResult diff(Ace ace, String cluster, String table, PrintStream out) {
        // snippet:check
        for (NodeStatus node : ace.checkNodes(cluster, null, "all", CallerRole.SERVICE)) {
            out.println(node.node().name() + ": PostgreSQL " + node.serverVersion()
                    + node.spock().map(version -> ", Spock " + version).orElse("") + ", as " + node.currentUser());
        }
        // end:check
        // snippet:diff
        Cancellation cancellation = new Cancellation();      // cancellation.cancel() from another thread stops it
        DiffResult result = ace.diff().diff(TableDiffRequest.builder(cluster, table)
                .nodes("all")
                .blockRows(10_000)
                .role(CallerRole.of("alice"))                // SET ROLE alice on every node
                .progress((done, total) -> out.println(done + "/" + total + " ranges"))
                .cancellation(cancellation)
                .build());
        if (result.match()) {
            out.println("the nodes match");
        } else {
            result.diffCounts().forEach((pair, rows) -> out.println(pair + ": " + rows + " differing rows"));
            out.println("diff file: " + result.diffFile());
        }
        // end:diff
        return result;
    }

    /** Reads the diff file's rows and writes an HTML report beside it; returns the report. */
    public static Path readAndReport(Ace ace, DiffResult result, PrintStream out) {
        // snippet:read
        DiffFile file = DiffFile.open(result.diffFile());
        file.forEachRow((pair, node, row) -> out.println(pair + " " + node + " key " + row.key() + ": " + row.values()));
        Path html = new ReportFiles(ace.config().outputDirectory())
                .write(result.table(), "diff", DiffRenderers.standard().get(TableDiffRequest.Output.HTML), file);
        // end:read
        return html;
    }

    /** Repairs from the diff file, a dry run first, then re-checks the keys it listed. */
    public static DiffResult repair(Ace ace, DiffResult diff, String sourceOfTruth, PrintStream out) {
        // snippet:repair
        TableRepairRequest.Builder repair = TableRepairRequest.builder(diff.clusterName(), diff.table().toString())
                .diffFile(diff.diffFile())
                .sourceOfTruth(sourceOfTruth)
                .role(CallerRole.of("alice"));
        RepairResult plan = ace.repair().repair(repair.dryRun(true).build());    // changes nothing
        out.println(plan.describe());
        RepairResult done = ace.repair().repair(repair.dryRun(false).build());
        for (NodeRepairResult node : done.nodes()) {
            out.println(node.node() + ": " + node.status() + ", " + node.deleted() + " deleted, "
                    + node.inserted() + " inserted, " + node.updated() + " updated, "
                    + node.skipped() + " skipped as conflicts");
        }
        if (!done.succeeded()) {
            out.println("not repaired: " + done.unrepairedNodes());          // each of them rolled back
        }
        // end:repair
        // snippet:rerun
        DiffResult still = ace.rerun().rerun(TableRerunRequest.builder(diff.clusterName(), diff.table().toString())
                .diffFile(diff.diffFile())
                .role(CallerRole.of("alice"))
                .build());
        out.println(still.match() ? "repaired" : still.totalDiffs() + " rows still differ: " + still.diffFile());
        // end:rerun
        return still;
    }

    /** Builds the table's Merkle trees, diffs it incrementally, then removes the trees; returns the diff. */
    public static DiffResult incremental(Ace ace, String cluster, String table, PrintStream out) {
        // snippet:incremental
        TreeRequest trees = TreeRequest.builder(cluster, table).build();
        ace.trees().build(trees);                            // once: triggers and trees on every node
        // ... the table changes; its triggers record each change ...
        DiffResult result = ace.diff().diff(TableDiffRequest.builder(cluster, table).incremental(true).build());
        out.println(result.describe());                      // the same diff file rows as a full diff
        out.println("covered: " + result.walPositions());   // {n1=0/3000148, ...}: each node's WAL position
        ace.trees().remove(trees);                           // every object ACE created for them, gone
        // end:incremental
        return result;
    }

    /** A request from options by their API names, as a front-end gets them; returns what went wrong, or null. */
    public static String fromOptions(Ace ace, Map<String, Object> body, PrintStream out) {
        // snippet:options
        try {
            OptionValues options = Options.parse(Operation.TABLE_DIFF, body);   // a JSON body's map
            DiffResult result = ace.diff().diff(TableDiffRequest.builder(options).role(CallerRole.SERVICE).build());
            out.println(result.describe());
            return null;
        } catch (AceException e) {
            if (e.code() == ErrorCode.INVALID_REQUEST) {
                e.problems().forEach(problem -> out.println("bad option: " + problem));
            } else {
                out.println(e.code() + ": " + e.getMessage());             // NODE_UNREACHABLE, PERMISSION_DENIED, ...
            }
            return e.code() + ": " + e.getMessage();
        }
        // end:options
    }
}
