/**
 * What can go wrong, as one unchecked hierarchy: every failure is an
 * {@link dev.ace.core.error.AceException} carrying an {@link dev.ace.core.error.ErrorCode}, which
 * each front-end maps to its own vocabulary (an HTTP status, an exit code) in one place. Messages
 * are in the user's words and never hold a secret; {@code INTERNAL} marks a bug in ACE.
 */
package dev.ace.core.error;
