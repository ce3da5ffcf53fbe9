package dev.ace.testkit;

import java.time.Duration;
import java.util.List;

/**
 * Native logical replication between nodes of a {@link TestDatabase}, and the ways real clusters
 * drift apart: a paused subscriber (lag), a write on one node only (permanent), changes lost for
 * good (a slot advanced past them).
 *
 * <pre>{@code
 * Subscription sub = db.replication().subscribe("n1", "n2", "public.t");
 * sub.awaitCatchUp();
 * sub.pause();                       // n2 stops applying
 * db.execute("n1", "UPDATE t ...");  // only n1 has it
 * sub.resume(); sub.awaitCatchUp();  // n2 has it again
 * }</pre>
 */
public final class Replication {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestDatabase database;

    Replication(TestDatabase database) {
        this.database = database;
    }

    /**
     * Publishes the tables on {@code publisher} and subscribes {@code subscriber} to them (the
     * tables must exist on both); waits for the initial copy to finish.
     */
    public Subscription subscribe(String publisher, String subscriber, String... tables) {
        if (tables.length == 0) {
            throw new TestKitException("name at least one table to replicate");
        }
        PgNode from = database.node(publisher);
        String publication = "ace_pub_" + publisher + "_" + subscriber;
        String subscription = "ace_sub_" + publisher + "_" + subscriber;
        from.execute(database.name(), "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", tables));
        String connection = "host=" + from.host() + " port=" + from.port() + " dbname=" + database.name()
                + " user=" + from.superuser() + from.password().map(p -> " password=" + p).orElse("")
                + " sslmode=disable";
        database.node(subscriber).execute(database.name(), "CREATE SUBSCRIPTION " + subscription
                + " CONNECTION '" + connection.replace("'", "''") + "' PUBLICATION " + publication);
        Subscription created = new Subscription(database, from, database.node(subscriber), publication, subscription);
        created.awaitInitialSync();
        return created;
    }

    /** Drops a subscription and, while its publisher answers, its slot there. */
    static void dropSubscription(PgNode node, String databaseName, String subscription) {
        try {
            node.execute(databaseName, "DROP SUBSCRIPTION " + subscription);
        } catch (TestKitException publisherGone) {
            node.execute(databaseName, "ALTER SUBSCRIPTION " + subscription + " DISABLE",
                    "ALTER SUBSCRIPTION " + subscription + " SET (slot_name = NONE)",
                    "DROP SUBSCRIPTION " + subscription);
        }
    }

    /** One subscription: {@code subscriber} applies what {@code publisher} publishes. */
    public static final class Subscription {
        private final TestDatabase database;
        private final PgNode publisher;
        private final PgNode subscriber;
        private final String publication;
        private final String name;

        Subscription(TestDatabase database, PgNode publisher, PgNode subscriber, String publication, String name) {
            this.database = database;
            this.publisher = publisher;
            this.subscriber = subscriber;
            this.publication = publication;
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** Waits until every table of the subscription finished its initial copy. */
        public void awaitInitialSync() {
            await("the initial copy of " + name, () -> "0".equals(subscriber.queryValue(database.name(),
                    "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid "
                            + "WHERE s.subname = ? AND r.srsubstate NOT IN ('r', 's')", name)));
            awaitCatchUp();
        }

        /** Waits until the subscriber has applied everything the publisher committed so far. */
        public void awaitCatchUp() {
            String target = publisher.queryValue(database.name(), "SELECT pg_current_wal_lsn()::text");
            await(name + " to catch up to " + target, () -> "t".equals(publisher.queryValue(database.name(),
                    "SELECT coalesce(bool_or(replay_lsn >= ?::pg_lsn), false) FROM pg_stat_replication "
                            + "WHERE application_name = ?", target, name)));
        }

        /** Stops applying changes (they queue up on the publisher); waits until the apply worker has exited. */
        public void pause() {
            subscriber.execute(database.name(), "ALTER SUBSCRIPTION " + name + " DISABLE");
            await(name + " to stop", () -> "0".equals(subscriber.queryValue(database.name(),
                    "SELECT count(*) FROM pg_stat_subscription WHERE subname = ? AND pid IS NOT NULL", name)));
            await("the slot of " + name + " to be released", () -> "0".equals(publisher.queryValue(database.name(),
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active", name)));
        }

        /** Applies again what queued up while paused (call {@link #awaitCatchUp()} to wait for it). */
        public void resume() {
            subscriber.execute(database.name(), "ALTER SUBSCRIPTION " + name + " ENABLE");
        }

        /**
         * While paused: throws away every change the publisher made since the pause, so the
         * subscriber never gets them, as after a slot was advanced or recreated in an incident.
         */
        public void loseChanges() {
            publisher.execute(database.name(),
                    "SELECT pg_replication_slot_advance('" + name + "', pg_current_wal_lsn())");
        }

        /** Drops the subscription and its publication. */
        public void drop() {
            dropSubscription(subscriber, database.name(), name);
            publisher.execute(database.name(), "DROP PUBLICATION IF EXISTS " + publication);
        }

        private static void await(String what, java.util.function.BooleanSupplier condition) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new TestKitException("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
                }
                PgNode.sleep(25);
            }
        }
    }

    /** Names of the subscriptions in this database on a node. */
    public List<String> subscriptions(String nodeName) {
        return database.queryColumn(nodeName, "SELECT subname FROM pg_subscription");
    }
}
