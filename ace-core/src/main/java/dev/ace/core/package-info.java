/**
 * ACE's entry point and settings: {@link dev.ace.core.Ace} (one per application, thread-safe,
 * owns the connection pools and hands out the services), {@link dev.ace.core.AceConfig} (from
 * {@code ace.yaml} or a builder), {@link dev.ace.core.CallerRole} (the role every database
 * operation runs as) and {@link dev.ace.core.Cancellation}. Operations live in the sub-packages:
 * {@code diff} (table-diff, table-rerun, the diff file), {@code repair}, {@code spock} (replication
 * exceptions), {@code catalog}, {@code cluster}; failures in {@code error}.
 */
package dev.ace.core;
