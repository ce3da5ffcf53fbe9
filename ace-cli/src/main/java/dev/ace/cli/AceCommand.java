package dev.ace.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ace}: the top of the command line; alone, it shows its help and exits with 2. */
@Command(name = "ace", mixinStandardHelpOptions = true, versionProvider = AceCommand.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"ACE, the Active Consistency Engine: finds the rows that differ between the nodes of a "
                + "PostgreSQL cluster (pgEdge Spock, or native logical replication), repairs them from a source of "
                + "truth, re-checks them, and resolves Spock replication exceptions.",
                "",
                "Settings come from ace.yaml (--config FILE, else ./ace.yaml, else $ACE_CONFIG); clusters from "
                        + "pgEdge cluster files (<cluster_dir>/<name>/<name>.json) or pg_service.conf. "
                        + "'ace COMMAND --help' shows a command's options and examples. Start with 'ace check CLUSTER', "
                        + "then 'ace table-diff CLUSTER SCHEMA.TABLE'."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExit codes:%n")
final class AceCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    AceCommand(Console console) {
        this.console = console;
    }

    /** Without a command: the help, on standard error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(console.err());
        return ExitCode.USAGE.code();
    }

    /** The version of the jar this runs from, or {@code development} when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AceCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ace " + (version == null ? "development" : version) + " (Java " + Runtime.version()
                    + ")"};
        }
    }
}
