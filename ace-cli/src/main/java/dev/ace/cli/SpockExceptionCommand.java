package dev.ace.cli;

import picocli.CommandLine.Command;

/** {@code ace spock-exception}: the group of {@code update} and {@code list}; alone, it shows its help. */
@Command(name = "spock-exception", mixinStandardHelpOptions = true,
        header = "List and resolve Spock replication exceptions.",
        customSynopsis = "ace spock-exception (update | list) CLUSTER NODE [options]",
        description = "Spock replication exceptions on a node: list them, and mark them resolved (or pending, "
                + "unresolved) once dealt with.",
        footerHeading = "%nExamples:%n",
        footer = {"  ace spock-exception list prod n2 --status PENDING --table-name app.orders",
                "  ace spock-exception update prod n2 --remote-origin 49708 \\",
                "      --remote-commit-ts 2026-03-15T12:34:56Z --remote-xid 771 \\",
                "      --status RESOLVED --resolution-details '{\"details\": \"fixed by hand\"}'"})
final class SpockExceptionCommand extends CommandBase {

    SpockExceptionCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(java.util.List.of()));
    }

    @Override
    ExitCode run() {
        spec.commandLine().usage(console.err());
        return ExitCode.USAGE;
    }
}
