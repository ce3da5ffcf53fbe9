package dev.ace.cli;

import dev.ace.cli.Console.Style;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The summaries people read at the end of a command: what was compared or changed, the counts per
 * node pair or node, the files written, and what to do next. Coloured only when the console
 * allows. Stateless.
 */
final class Summaries {

    private static final int LABEL = 13;

    private Summaries() {
    }

    /**
     * A diff or a rerun: MATCH or DIFFERENT, the differing rows per node pair, the rows checked,
     * the diff file, the report, and the next step.
     *
     * @param report the report written besides the diff file, or null
     */
    static String diff(Console console, String command, DiffResult result, Path report) {
        StringBuilder text = new StringBuilder();
        String verdict = result.match() ? console.paint("MATCH", Style.GREEN) : console.paint("DIFFERENT", Style.RED);
        text.append(console.paint(verdict, Style.BOLD)).append("  ").append(result.table()).append(" on ")
                .append(String.join(", ", result.nodes())).append("  (cluster ").append(result.clusterName())
                .append(", database ").append(result.dbname()).append(")\n");
        if (result.match()) {
            line(text, "rows", "the same on every node");
        }
        result.diffCounts().forEach((pair, count) -> line(text, pair, ProgressBar.count(count)
                + (count == 1 ? " differing row" : " differing rows")));
        if (result.truncated()) {
            line(text, "", console.paint("max_diff_rows reached: the diff file holds the first differences only; "
                    + "raise --max-diff-rows (0: no cap) to see them all", Style.YELLOW));
        }
        line(text, command.equals("table-rerun") ? "keys checked" : "rows checked", rowsChecked(result.rowsChecked()));
        line(text, "ranges", ProgressBar.count(result.rangesPlanned()) + " planned, "
                + ProgressBar.count(result.rangesMismatched()) + " mismatched");
        line(text, "time", seconds(result.duration()));
        String diffFile = console.shown(result.diffFile());
        line(text, "diff file", diffFile);
        if (report != null) {
            line(text, "report", console.shown(report));
        }
        if (!result.match()) {
            if (report == null) {
                text.append(console.paint("see what differs:  ace report " + diffFile, Style.DIM)).append('\n');
            }
            text.append(console.paint("repair, a dry run first:  ace table-repair " + result.clusterName() + " "
                    + result.table() + " --diff-file " + diffFile + " --source-of-truth NODE --dry-run", Style.DIM))
                    .append('\n');
        }
        return text.toString().stripTrailing();
    }

    /** A repair: how it ended, each target node's counts or error, the report, and what to do about conflicts. */
    static String repair(Console console, RepairResult result) {
        StringBuilder text = new StringBuilder();
        String verdict = result.dryRun() ? console.paint("DRY RUN", Style.CYAN)
                : !result.succeeded() ? console.paint("INCOMPLETE", Style.RED)
                : result.totalSkipped() > 0 ? console.paint("REPAIRED, WITH CONFLICTS", Style.YELLOW)
                : console.paint("REPAIRED", Style.GREEN);
        text.append(console.paint(verdict, Style.BOLD)).append("  ").append(result.table()).append("  (cluster ")
                .append(result.clusterName()).append(", database ").append(result.dbname()).append(")  mode ")
                .append(result.mode()).append(result.sourceOfTruth() == null ? ""
                        : ", source of truth " + result.sourceOfTruth()).append(result.atomic() ? ", atomic" : "")
                .append('\n');
        String would = result.dryRun() ? "would be " : "";
        for (NodeRepairResult node : result.nodes()) {
            String status = node.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            StringBuilder counts = new StringBuilder();
            if (node.error() != null) {
                counts.append(console.paint(status, Style.RED)).append(": ").append(node.error());
            } else {
                counts.append(String.format(Locale.ROOT, "%-10s", status)).append(ProgressBar.count(node.deleted()))
                        .append(' ').append(would).append("deleted, ").append(ProgressBar.count(node.inserted()))
                        .append(' ').append(would).append("inserted, ").append(ProgressBar.count(node.updated()))
                        .append(' ').append(would).append("updated");
                if (node.skipped() > 0) {
                    counts.append(", ").append(console.paint(ProgressBar.count(node.skipped())
                            + " skipped as conflicts", Style.YELLOW));
                }
                if (!node.keptDifferences().isEmpty()) {
                    counts.append(", ").append(ProgressBar.count(node.keptDifferences().size()))
                            .append(" differing rows kept by the mode");
                }
            }
            line(text, node.node(), counts.toString());
        }
        result.warnings().forEach(warning -> line(text, "warning", console.paint(warning, Style.YELLOW)));
        line(text, "time", seconds(result.duration()));
        line(text, "diff file", console.shown(result.diffFile()));
        if (result.report() != null) {
            line(text, "report", console.shown(result.report()));
        }
        if (result.dryRun()) {
            text.append(console.paint("nothing was changed; run the same command without --dry-run to repair", Style.DIM))
                    .append('\n');
        } else if (result.totalSkipped() > 0) {
            text.append(console.paint(RepairConflict.HINT, Style.DIM)).append('\n');
        } else if (result.succeeded()) {
            text.append(console.paint("confirm:  ace table-rerun " + result.clusterName() + " " + result.table()
                    + " --diff-file " + console.shown(result.diffFile()), Style.DIM)).append('\n');
        }
        return text.toString().stripTrailing();
    }

    /** One labelled line: two spaces, the label padded, the value. */
    static void line(StringBuilder text, String label, String value) {
        text.append("  ").append(String.format(Locale.ROOT, "%-" + LABEL + "s", label)).append(value).append('\n');
    }

    private static String rowsChecked(Map<String, Long> rows) {
        StringBuilder text = new StringBuilder();
        rows.forEach((node, count) -> text.append(text.length() == 0 ? "" : ", ").append(node).append(' ')
                .append(ProgressBar.count(count)));
        return text.toString();
    }

    /** {@code 0.42s}, {@code 12.3s}, {@code 3m05s}. */
    static String seconds(Duration duration) {
        if (duration.toSeconds() >= 60) {
            return ProgressBar.duration(duration);
        }
        return String.format(Locale.ROOT, duration.toMillis() < 10_000 ? "%.2fs" : "%.1fs", duration.toMillis() / 1000.0);
    }
}
