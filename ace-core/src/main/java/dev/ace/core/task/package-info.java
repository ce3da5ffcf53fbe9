/**
 * Tasks: run any long operation (table-diff, table-repair, table-rerun) in the background and
 * follow it by id. Submit a request to {@link dev.ace.core.task.TaskService} (from
 * {@code Ace.tasks()}), read its {@link dev.ace.core.task.Task} (state, progress, result or error),
 * list a role's tasks, cancel one. Tasks are kept in an embedded SQLite file and outlive the
 * process; see {@code docs/tasks.md}.
 *
 * <pre>{@code
 * Task task = ace.tasks().submit(TableDiffRequest.builder("prod", "public.users").role(role).build());
 * Task done = ace.tasks().awaitCompletion(task.id(), role, Duration.ofMinutes(10));
 * done.diffResult().ifPresent(result -> System.out.println(result.describe()));
 * }</pre>
 */
package dev.ace.core.task;
