/**
 * Internal: the task service behind {@link dev.ace.core.task.TaskService}: the bounded executor
 * ({@link dev.ace.core.internal.task.TaskManager}), the SQLite store, ids and the JSON forms kept
 * in the store. Not API.
 */
package dev.ace.core.internal.task;
