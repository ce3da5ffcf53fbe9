package dev.ace.testkit;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link WithPgCluster}: starts clusters, hands out fresh databases,
 * checks for leaked connections and drops the databases after each test.
 */
public final class PgClusterExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PgClusterExtension.class);
    private static final String DATABASE = "database";
    private static final long LEAK_GRACE_MILLIS = 2_000;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PgCluster.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PgCluster cluster = cluster(context);
        if (parameter.getParameter().getType() == PgCluster.class) {
            return cluster;
        }
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a TestDatabase belongs to one test method; ask for the PgCluster "
                    + "in constructors and @BeforeAll methods");
        }
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(DATABASE, key -> cluster.createDatabase(),
                TestDatabase.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase database = context.getStore(NAMESPACE).remove(DATABASE, TestDatabase.class);
        if (database == null) {
            return;
        }
        String leaked = database.openConnections();
        long deadline = System.currentTimeMillis() + LEAK_GRACE_MILLIS;
        while (!leaked.isEmpty() && System.currentTimeMillis() < deadline) {
            PgNode.sleep(50);
            leaked = database.openConnections();
        }
        database.drop();
        if (!leaked.isEmpty()) {
            throw new AssertionError("the test left connections open to " + database.name() + ": " + leaked);
        }
    }

    private static PgCluster cluster(ExtensionContext context) {
        WithPgCluster settings = context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, WithPgCluster.class))
                .orElseThrow(() -> new ParameterResolutionException("annotate the test class with @WithPgCluster"));
        ExtensionContext owner = settings.scope() == WithPgCluster.Scope.RUN ? context.getRoot() : classContext(context);
        String key = "cluster-" + settings.nodes() + "-" + settings.scope();
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(key,
                unused -> PgCluster.builder().name("acetest").nodes(settings.nodes()).start(), PgCluster.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        Optional<ExtensionContext> current = Optional.of(context);
        while (current.isPresent() && current.get().getTestMethod().isPresent()) {
            current = current.get().getParent();
        }
        return current.orElse(context);
    }
}
