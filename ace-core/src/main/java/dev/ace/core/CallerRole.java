package dev.ace.core;

import dev.ace.core.error.InvalidRequestException;
import java.util.Objects;
import java.util.Optional;

/**
 * The database role an operation acts as. ACE connects as its own user and, for every database
 * operation made on a caller's behalf, runs {@code SET ROLE} to the caller's role (quoted as an
 * identifier), so the caller's privileges decide what it may read and change. The role is reset
 * before the connection goes back to the pool.
 *
 * <p>{@link #SERVICE} means "ACE's own user, no {@code SET ROLE}": for embedded use where the
 * application is the caller. Immutable and thread-safe.
 */
public final class CallerRole {

    /** Acts as the user ACE logs in as. */
    public static final CallerRole SERVICE = new CallerRole(null);

    private final String role;

    private CallerRole(String role) {
        this.role = role;
    }

    /** Acts as {@code role}, exactly as spelled (case and all), for example the CN of a client certificate. */
    public static CallerRole of(String role) {
        Objects.requireNonNull(role, "role");
        if (role.isBlank()) {
            throw new InvalidRequestException("role must not be blank");
        }
        if (role.indexOf('\0') >= 0) {
            throw new InvalidRequestException("role must not contain a NUL character");
        }
        return new CallerRole(role);
    }

    /** The role name, or empty for {@link #SERVICE}. */
    public Optional<String> name() {
        return Optional.ofNullable(role);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CallerRole && Objects.equals(role, ((CallerRole) other).role);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(role);
    }

    @Override
    public String toString() {
        return role == null ? "ACE's own user" : "role " + role;
    }
}
