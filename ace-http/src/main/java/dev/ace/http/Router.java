package dev.ace.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the endpoint of a request by method and path. Paths are templates whose {@code {name}}
 * segments match one segment of the request's path and become its path parameters. An unknown
 * path is a 404; a known path with another method is a 405 whose {@code Allow} header lists the
 * methods it takes. Built once, then read-only and thread-safe.
 */
final class Router {

    /** What answers one route and method. */
    @FunctionalInterface
    interface Endpoint {
        void handle(ApiExchange exchange) throws IOException;
    }

    /** A path template and its endpoints by method. */
    record Route(String template, Map<String, Endpoint> methods) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds {@code endpoint} for {@code method} on {@code template}; returns this router. */
    Router add(String method, String template, Endpoint endpoint) {
        Route route = routes.stream().filter(existing -> existing.template().equals(template)).findFirst()
                .orElseGet(() -> {
                    Route created = new Route(template, new LinkedHashMap<>());
                    routes.add(created);
                    return created;
                });
        if (route.methods().put(method, endpoint) != null) {
            throw new IllegalStateException(method + " " + template + " is routed twice");
        }
        return this;
    }

    /** Every route, in the order added: what the OpenAPI document must describe. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * The endpoint of the request; sets its path parameters.
     *
     * @throws ApiError 404 for an unknown path, 405 for a method the path does not take
     */
    Endpoint find(ApiExchange exchange) {
        String[] path = exchange.raw().getRequestURI().getPath().split("/", -1);
        for (Route route : routes) {
            Map<String, String> parameters = match(route.template().split("/", -1), path);
            if (parameters == null) {
                continue;
            }
            Endpoint endpoint = route.methods().get(exchange.method());
            if (endpoint == null) {
                String allow = String.join(", ", new TreeSet<>(route.methods().keySet()));
                throw new ApiError(405, "method " + exchange.method() + " is not allowed on " + route.template()
                        + "; use " + allow, Map.of("Allow", allow));
            }
            exchange.pathParameters(parameters);
            return endpoint;
        }
        throw ApiError.notFound("no such endpoint: " + exchange.path() + "; the API's endpoints are listed at "
                + "/ace/openapi.json");
    }

    private static Map<String, String> match(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String part = template[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(part.substring(1, part.length() - 1), path[i]);
            } else if (!part.equals(path[i])) {
                return null;
            }
        }
        return parameters;
    }
}
