/**
 * Table repair and rerun: make the nodes of a cluster agree again from a diff file
 * ({@link dev.ace.core.repair.RepairService}), and re-check the keys of a diff file
 * ({@link dev.ace.core.diff.RerunService}). Requests and results are immutable records.
 */
package dev.ace.core.repair;

import dev.ace.core.diff.RerunService;
