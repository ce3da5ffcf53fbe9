/**
 * The {@code ace} command: picocli commands over ACE's public API, one class per command.
 * Options are built from core's option table ({@code dev.ace.core.option.Options}) and parsed by
 * it; {@link dev.ace.cli.ExitCode} maps outcomes and error codes to exit codes in one place;
 * {@link dev.ace.cli.ProgressBar} is the one progress renderer. Start at {@link dev.ace.cli.Main}.
 */
package dev.ace.cli;
