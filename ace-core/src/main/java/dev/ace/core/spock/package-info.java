/**
 * Spock replication exceptions: the commands a Spock node could not apply, as logged in
 * {@code spock.exception_log}, listed ({@code ExceptionService.list}) and marked resolved or
 * ignored ({@code ExceptionService.update}) in the status tables ACE keeps beside Spock's log.
 * Not Java exceptions: those live in {@code dev.ace.core.error}.
 */
package dev.ace.core.spock;
