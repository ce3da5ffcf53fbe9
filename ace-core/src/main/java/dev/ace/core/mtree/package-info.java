/**
 * Merkle trees of tables for the incremental table-diff: {@link dev.ace.core.mtree.TreeService}
 * builds, updates and removes them on every node ({@code Ace.trees()}); a diff with
 * {@code incremental} compares them. Each node keeps its trees in a schema ACE owns
 * ({@code mtree_schema}), fed by triggers on the table. Requests are immutable records.
 */
package dev.ace.core.mtree;
