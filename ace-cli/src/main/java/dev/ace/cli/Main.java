package dev.ace.cli;

/**
 * {@code java -jar ace.jar COMMAND ...}, which the {@code ace} launcher script runs: the command
 * line of ACE. See {@code docs/cli.md}, or {@code ace --help}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure(false);
        Console console = Console.system();
        Interrupts interrupts = new Interrupts();
        interrupts.installShutdownHook(console);
        int code;
        try {
            code = new Cli(console, interrupts).run(args);
        } catch (RuntimeException | LinkageError e) {
            // Cli reports every failure of a command; this is a failure to build or run the command line itself
            console.err().println("ace: internal error, a bug in ACE: " + e + "; please report it");
            code = ExitCode.FAILURE.code();
        } finally {
            interrupts.finished();
        }
        if (!interrupts.interrupted()) {
            // after Ctrl-C the JVM is already ending (with 130, as for any SIGINT); exit would wait for ever
            System.exit(code);
        }
    }
}
