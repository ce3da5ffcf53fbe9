package dev.ace.testkit;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Nodes that someone else runs, listed as {@code postgresql://user:password@host:port/database} URLs. */
final class ExternalBackend implements NodeBackend {

    private final List<URI> urls = new ArrayList<>();

    ExternalBackend(String commaSeparatedUrls) {
        for (String raw : commaSeparatedUrls.split(",")) {
            String trimmed = raw.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(trimmed.startsWith("jdbc:") ? trimmed.substring(5) : trimmed);
            } catch (IllegalArgumentException e) {
                throw new TestKitException("ACE_TEST_NODES entry is not a URL: " + redact(trimmed));
            }
            if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new TestKitException("ACE_TEST_NODES entries must look like "
                        + "postgresql://user:password@host:port/database, was " + redact(trimmed));
            }
            urls.add(uri);
        }
    }

    @Override
    public List<PgNode> start(int count) {
        if (urls.size() < count) {
            throw new TestKitException("this test needs " + count + " nodes but ACE_TEST_NODES lists " + urls.size());
        }
        List<PgNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            URI uri = urls.get(i);
            String user = "postgres";
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : null;
            }
            String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            nodes.add(new PgNode("n" + (i + 1), uri.getHost(), port, user, password, null, database));
        }
        return nodes;
    }

    @Override
    public boolean ownsServers() {
        return false;
    }

    @Override
    public void close() {
        // the servers are not ours to stop
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /** Drops the password part of a URL before it goes into a message. */
    static String redact(String url) {
        return url.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
    }
}
