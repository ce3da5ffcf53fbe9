package dev.ace.core.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a cluster as its definition file describes it: where it listens, which database
 * and user ACE connects with, and any libpq connection options the file set ({@code sslmode},
 * ...). Immutable and thread-safe; {@link #toString()} never shows the password.
 */
public final class NodeDefinition {

    private final String name;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final boolean active;
    private final Map<String, String> connectionOptions;

    public NodeDefinition(String name, String host, int port, String database, String user, String password,
                          boolean active, Map<String, String> connectionOptions) {
        this.name = Objects.requireNonNull(name, "name");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.database = Objects.requireNonNull(database, "database");
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null || password.isEmpty() ? null : password;
        this.active = active;
        this.connectionOptions = Map.copyOf(connectionOptions);
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, as messages name a node's address. */
    public String address() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The password from the definition file; empty means libpq's rules apply ({@code .pgpass}, certificates). */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Whether the definition marks the node active; inactive nodes are left out of "all". */
    public boolean active() {
        return active;
    }

    /** Extra libpq-style connection options from the definition ({@code sslmode}, {@code sslrootcert}, ...). */
    public Map<String, String> connectionOptions() {
        return connectionOptions;
    }

    /** How messages name the node: {@code n2 (10.0.0.2:5432, database shop)}. */
    public String describe() {
        return name + " (" + address() + ", database " + database + ")";
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof NodeDefinition)) {
            return false;
        }
        NodeDefinition that = (NodeDefinition) other;
        return port == that.port && active == that.active && name.equals(that.name) && host.equals(that.host)
                && database.equals(that.database) && user.equals(that.user) && Objects.equals(password, that.password)
                && connectionOptions.equals(that.connectionOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, host, port, database, user);
    }

    @Override
    public String toString() {
        return "node " + name + " (" + address() + ", database " + database + ", user " + user
                + (password == null ? "" : ", password ***") + ")";
    }
}
