/**
 * Finding differences: table-diff ({@link dev.ace.core.diff.DiffService}) hashes key ranges on
 * every node and compares only the rows of ranges that differ; table-rerun
 * ({@link dev.ace.core.diff.RerunService}) re-checks only the keys of an earlier diff file. Both
 * write the diff file, read back with {@link dev.ace.core.diff.DiffFile}. Requests are immutable,
 * built with builders; results are records.
 */
package dev.ace.core.diff;
