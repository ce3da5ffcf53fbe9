/**
 * Clusters and their nodes as read from a pgEdge cluster file or {@code pg_service.conf}
 * ({@link dev.ace.core.cluster.ClusterDefinition}, {@link dev.ace.core.cluster.NodeDefinition}),
 * and what a connection check reports of a node ({@link dev.ace.core.cluster.NodeStatus}).
 * Passwords are held but never shown.
 */
package dev.ace.core.cluster;
