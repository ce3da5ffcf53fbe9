/**
 * The options of ACE's operations in one table: every option's snake_case name (as the HTTP API,
 * the command line and {@code ace.yaml} spell it), type, default, allowed range or choices, help
 * text, and the operations it applies to ({@link dev.ace.core.option.Options}).
 *
 * <p>Everything that reads options goes through this table, so each problem is reported once, in
 * the same words, whichever way the options came: a JSON body ({@link
 * dev.ace.core.option.Options#parse}), command-line or YAML text ({@link
 * dev.ace.core.option.Options#parseText}), or a request built in Java (each request's builder
 * checks its values with the same {@link dev.ace.core.option.Option}s). Unknown option names are
 * an error that names them.
 *
 * <pre>{@code
 * OptionValues values = Options.parse(Operation.TABLE_DIFF, Map.of("cluster_name", "prod",
 *         "table_name", "public.users", "nodes", List.of("n1", "n2"), "block_rows", 5000));
 * TableDiffRequest request = TableDiffRequest.builder(values).role(CallerRole.of("alice")).build();
 * }</pre>
 */
package dev.ace.core.option;
