package dev.ace.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class real PostgreSQL nodes: test methods and constructors may declare parameters
 * of type {@link PgCluster} and {@link TestDatabase}. Each test that asks for a
 * {@link TestDatabase} gets a fresh database on every node, dropped after the test; a test that
 * leaves a connection open to it fails.
 *
 * <pre>{@code
 * @WithPgCluster(nodes = 3)
 * class MyTest {
 *     @Test
 *     void findsTheRowOnlyN2Has(TestDatabase db) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PgClusterExtension.class)
public @interface WithPgCluster {

    /** Number of nodes, 1 to 8. */
    int nodes() default 3;

    /** How long the cluster lives and who shares it. */
    Scope scope() default Scope.RUN;

    /** Lifetimes of a test cluster. */
    enum Scope {
        /** Started once per test run and shared by every class that asks for the same number of nodes. */
        RUN,
        /** Started for this class alone and stopped after it: for tests that change server settings. */
        CLASS
    }
}
