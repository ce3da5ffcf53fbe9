/**
 * Tables as ACE sees them: a {@link dev.ace.core.catalog.TableName} parsed from
 * {@code schema.table}, its columns and primary key ({@link dev.ace.core.catalog.TableSchema}),
 * and {@link dev.ace.core.catalog.CatalogService}, which checks that a table has the same shape on
 * every node of a cluster.
 */
package dev.ace.core.catalog;
