package dev.ace.cli;

import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.mtree.TreeResult;
import dev.ace.core.option.Operation;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ace mtree}: the group of {@code build}, {@code update} and {@code remove}; alone, it shows its help. */
@Command(name = "mtree", mixinStandardHelpOptions = true,
        header = "Build, update and remove a table's Merkle trees (incremental table-diff).",
        customSynopsis = "ace mtree (build | update | remove) CLUSTER SCHEMA.TABLE [options]",
        description = "A table's Merkle trees let table-diff --incremental compare the nodes without reading every "
                + "row. build creates them (a schema of ACE's on every node, and two triggers on the table that "
                + "capture every change, replicated ones included); update folds the captured changes in; remove "
                + "drops every object ACE created. See docs/incremental-diff.md.",
        footerHeading = "%nExamples:%n",
        footer = {"  ace mtree build prod public.orders",
                "  ace table-diff prod public.orders --incremental",
                "  ace mtree remove prod public.orders"})
final class MtreeCommand extends CommandBase {

    MtreeCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(List.of()));
    }

    @Override
    ExitCode run() {
        spec.commandLine().usage(console.err());
        return ExitCode.USAGE;
    }

    /** One of the group's commands: the request from the command line, the result shown. */
    abstract static class Action extends CommandBase {

        Action(Console console, Interrupts interrupts) {
            super(console, interrupts, OptionTable.of(Operation.MTREE, TableDiffCommand.positionals(),
                    OptionTable.CONNECTION_SETTINGS));
        }

        abstract TreeResult apply(dev.ace.core.Ace ace, TreeRequest request);

        @Override
        ExitCode run() {
            TreeRequest request = TreeRequest.builder(values()).role(role()).build();
            Output output = output();
            return withAce(ace -> {
                TreeResult result = apply(ace, request);
                return output.result(ExitCode.OK, result::describe, result::toJson);
            });
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            header = "Build (or rebuild) a table's Merkle trees on the nodes.",
            customSynopsis = "ace mtree build CLUSTER SCHEMA.TABLE [--leaf-rows N] [options]",
            description = {"Creates, on every chosen node, the schema mtree_schema (default ace) if missing, the "
                    + "table's leaves, inner nodes and change log there, and two ENABLE ALWAYS triggers on the table; "
                    + "then hashes the leaves (about leaf_rows rows each, planned on the node with the most rows). "
                    + "The role must own the table.",
                    "Exit code: 0 built, 2 bad usage or configuration, 3 a failure while running."},
            footerHeading = "%nExamples:%n",
            footer = {"  ace mtree build prod public.orders", "  ace mtree build prod public.orders --leaf-rows 128"})
    static final class Build extends Action {
        Build(Console console, Interrupts interrupts) {
            super(console, interrupts);
        }

        @Override
        TreeResult apply(dev.ace.core.Ace ace, TreeRequest request) {
            return ace.trees().build(request);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            header = "Fold the changes captured since into a table's Merkle trees.",
            customSynopsis = "ace mtree update CLUSTER SCHEMA.TABLE [options]",
            description = {"Folds the changes the triggers captured into the leaves, without reading the table, "
                    + "and splits or merges leaves far from leaf_rows. table-diff --incremental does this itself "
                    + "first; run it on its own to keep the change logs short.",
                    "Exit code: 0 updated, 2 bad usage or configuration, 3 a tree missing or not current "
                            + "(TREE_NOT_CURRENT: build it again), or a failure while running."},
            footerHeading = "%nExamples:%n",
            footer = {"  ace mtree update prod public.orders"})
    static final class Update extends Action {
        Update(Console console, Interrupts interrupts) {
            super(console, interrupts);
        }

        @Override
        TreeResult apply(dev.ace.core.Ace ace, TreeRequest request) {
            return ace.trees().update(request);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            header = "Remove a table's Merkle trees: every object ACE created for them.",
            customSynopsis = "ace mtree remove CLUSTER SCHEMA.TABLE [options]",
            description = {"Drops the table's two triggers, its tables and functions in mtree_schema on every "
                    + "chosen node, and the schema itself when no other tree is left in it.",
                    "Exit code: 0 removed (or nothing to remove), 2 bad usage or configuration, 3 a failure while "
                            + "running."},
            footerHeading = "%nExamples:%n",
            footer = {"  ace mtree remove prod public.orders"})
    static final class Remove extends Action {
        Remove(Console console, Interrupts interrupts) {
            super(console, interrupts);
        }

        @Override
        TreeResult apply(dev.ace.core.Ace ace, TreeRequest request) {
            return ace.trees().remove(request);
        }
    }
}
