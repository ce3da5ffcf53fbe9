/**
 * ACE's internals: not API. Nothing here is stable; front-ends and users call only the public
 * packages ({@code dev.ace.core}, {@code dev.ace.core.cluster}, {@code dev.ace.core.catalog}, ...).
 */
package dev.ace.core.internal;
