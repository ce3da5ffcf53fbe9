package dev.ace.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code ace} writes and what it may write there: standard output and error, whether each is
 * a terminal, whether colour is allowed (a terminal, and neither {@code NO_COLOR} nor
 * {@code TERM=dumb}), the terminal's width, the environment and the working directory. Tests make
 * one with {@link #of}. Immutable; the streams are thread-safe.
 */
final class Console {

    /** Text styles, as ANSI SGR codes. */
    enum Style {
        BOLD("1"), DIM("2"), RED("31"), GREEN("32"), YELLOW("33"), CYAN("36");

        private final String code;

        Style(String code) {
            this.code = code;
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final boolean outTerminal;
    private final boolean errTerminal;
    private final boolean colour;
    private final boolean errColour;
    private final int width;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    private Console(PrintStream out, PrintStream err, boolean outTerminal, boolean errTerminal,
                    Map<String, String> environment, Path workingDirectory, boolean askTerminal) {
        this.out = out;
        this.err = err;
        this.outTerminal = outTerminal;
        this.errTerminal = errTerminal;
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        String noColour = environment.get("NO_COLOR");
        boolean colourAllowed = (noColour == null || noColour.isEmpty()) && !"dumb".equals(environment.get("TERM"));
        this.colour = outTerminal && colourAllowed;
        this.errColour = errTerminal && colourAllowed;
        this.width = width(environment.get("COLUMNS"), askTerminal && errTerminal);
    }

    /** The process's own streams, environment and working directory. */
    static Console system() {
        return new Console(System.out, System.err, isTerminal(1), isTerminal(2), System.getenv(),
                Path.of("").toAbsolutePath(), true);
    }

    /** For tests: streams that are (or are not) terminals, an environment and a working directory; 80 columns unless {@code COLUMNS} says. */
    static Console of(PrintStream out, PrintStream err, boolean terminal, Map<String, String> environment,
                      Path workingDirectory) {
        return of(out, err, terminal, terminal, environment, workingDirectory);
    }

    /** For tests: as {@link #of(PrintStream, PrintStream, boolean, Map, Path)}, each stream a terminal or not on its own. */
    static Console of(PrintStream out, PrintStream err, boolean outTerminal, boolean errTerminal,
                      Map<String, String> environment, Path workingDirectory) {
        return new Console(out, err, outTerminal, errTerminal, environment, workingDirectory, false);
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** Whether standard output is a terminal: people read it, colour may be used. */
    boolean outIsTerminal() {
        return outTerminal;
    }

    /** Whether standard error is a terminal: a progress bar may be drawn there. */
    boolean errIsTerminal() {
        return errTerminal;
    }

    /** Whether standard output may be coloured: a terminal, {@code NO_COLOR} unset or empty, {@code TERM} not {@code dumb}. */
    boolean colour() {
        return colour;
    }

    /** Whether standard error may be coloured: the same rules, for standard error (errors, the progress line). */
    boolean errColour() {
        return errColour;
    }

    int width() {
        return width;
    }

    /** An environment variable, or null. */
    String env(String name) {
        return environment.get(name);
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    /** A path as people read it: relative to the working directory when it lies below it. */
    String shown(Path path) {
        if (path == null) {
            return "";
        }
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(workingDirectory) && !absolute.equals(workingDirectory)
                ? workingDirectory.relativize(absolute).toString() : path.toString();
    }

    /** {@code text} in {@code style} when standard output may be coloured, else as it is. */
    String paint(String text, Style style) {
        return paint(colour, text, style);
    }

    /** {@code text} in {@code style} when standard error may be coloured (a line written there), else as it is. */
    String paintErr(String text, Style style) {
        return paint(errColour, text, style);
    }

    private static String paint(boolean colour, String text, Style style) {
        return colour ? "\u001b[" + style.code + "m" + text + "\u001b[0m" : text;
    }

    /** {@code COLUMNS} when set, else what the terminal says (shells do not export COLUMNS), else 80. */
    private static int width(String columns, boolean terminal) {
        try {
            int value = columns != null ? Integer.parseInt(columns.trim()) : terminal ? terminalColumns() : 80;
            return Math.max(40, Math.min(value, 500));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** The controlling terminal's columns, from {@code stty size}; 80 when it cannot be asked. */
    private static int terminalColumns() {
        Path tty = Path.of("/dev/tty");
        if (!Files.isReadable(tty)) {
            return 80;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(tty.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            if (stty.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] rowsAndColumns = size.trim().split("\\s+");
                return rowsAndColumns.length == 2 ? Integer.parseInt(rowsAndColumns[1]) : 80;
            }
            return 80;
        } catch (java.io.IOException | NumberFormatException e) {
            return 80;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 80;
        }
    }

    /**
     * Whether a file descriptor of this process is a terminal. Java 17 cannot ask isatty(3) about
     * one stream; on Linux {@code /proc/self/fd/N} names the device, elsewhere
     * {@link System#console()} tells whether standard input and output both are.
     */
    private static boolean isTerminal(int descriptor) {
        Path link = Path.of("/proc/self/fd/" + descriptor);
        if (Files.isSymbolicLink(link)) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (java.io.IOException | SecurityException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
