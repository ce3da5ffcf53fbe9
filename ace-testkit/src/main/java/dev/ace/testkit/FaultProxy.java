package dev.ace.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between the code under test and one node, which injects network faults
 * on command: for tests of what ACE does when a node's connection breaks mid-operation.
 *
 * <p>Point a cluster definition's node at {@link #host()}:{@link #port()} instead of the node's
 * own port; every connection made to the proxy is forwarded to the node, byte for byte, until a
 * fault is injected: {@link #inject} at once, {@link #injectWhen} when the client sends a given
 * text (a statement: the proxy sees the plain protocol, so {@code "PREPARE TRANSACTION"} stops a
 * repair exactly before it prepares), or {@link #injectAfter} a number of bytes. {@link #slow}
 * caps the throughput. {@link #heal} ends every fault: connections that were stalled or held are
 * closed, as a partition long enough for TCP to give up would close them, and new connections
 * are forwarded again. Thread-safe; each connection runs on two daemon threads of its own.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to the connections it forwards. */
    public enum Fault {
        /** Closes both sides of every open connection (a FIN each way): the peer's process died. */
        CUT,
        /** Resets both sides of every open connection (SO_LINGER 0, an RST each way). */
        RESET,
        /** Forwards no byte either way, the sockets kept open: a network partition. */
        STALL,
        /**
         * Keeps the client's bytes from the node while the node's bytes still reach the client: the
         * client is frozen in front of its next statement, and sees whatever the node does meanwhile
         * (a shutdown closes its connection).
         */
        HOLD
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    /** The node proxied, when the proxy was made for a test kit node. */
    private final PgNode target;
    private final ServerSocket listener;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final Object gate = new Object();
    /** Guarded by {@link #gate}. */
    private Fault standing;
    private byte[] triggerText;
    private Fault triggerFault;
    private long triggerBytes = -1;
    private CountDownLatch injected = new CountDownLatch(1);
    private volatile int bytesPerSecond;
    private volatile boolean closed;

    private FaultProxy(PgNode target, String targetHost, int targetPort) throws IOException {
        this.target = target;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept-" + THREADS.incrementAndGet());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port, forwarding to {@code node}. */
    public static FaultProxy to(PgNode node) {
        return open(node, node.host(), node.port());
    }

    /** A proxy on a free loopback port, forwarding to {@code host:port}. */
    public static FaultProxy to(String host, int port) {
        return open(null, host, port);
    }

    private static FaultProxy open(PgNode node, String host, int port) {
        try {
            return new FaultProxy(node, host, port);
        } catch (IOException e) {
            throw new TestKitException("could not open a fault proxy to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The proxied node as a cluster definition should name it: the node's name, user and data
     * directory at the proxy's address (for {@link ClusterFiles#writeClusterJson(java.nio.file.Path,
     * String, String, java.util.Map)}). Only for a proxy made {@link #to(PgNode)} a node.
     */
    public PgNode node() {
        if (target == null) {
            throw new IllegalStateException("this proxy was made for an address, not for a test kit node");
        }
        return new PgNode(target.name(), host(), port(), target.superuser(), target.password().orElse(null),
                target.dataDirectory().orElse(null), target.defaultDatabase());
    }

    /** Injects {@code fault} now: {@code CUT} and {@code RESET} end the open connections; the others last until {@link #heal}. */
    public void inject(Fault fault) {
        Objects.requireNonNull(fault);
        synchronized (gate) {
            fire(fault);
        }
    }

    /**
     * Arms {@code fault} to be injected the first time a client sends {@code clientText} (in one
     * connection's bytes, across reads), before those bytes reach the node.
     */
    public void injectWhen(String clientText, Fault fault) {
        synchronized (gate) {
            triggerText = clientText.getBytes(StandardCharsets.UTF_8);
            triggerFault = Objects.requireNonNull(fault);
            triggerBytes = -1;
            injected = new CountDownLatch(1);
        }
    }

    /** Arms {@code fault} to be injected once {@code bytes} more bytes have been forwarded (both ways together). */
    public void injectAfter(long bytes, Fault fault) {
        synchronized (gate) {
            triggerText = null;
            triggerFault = Objects.requireNonNull(fault);
            triggerBytes = forwarded.get() + bytes;
            injected = new CountDownLatch(1);
        }
    }

    /** Waits until an armed fault was injected; false if it was not within {@code timeout}. */
    public boolean awaitInjected(Duration timeout) {
        CountDownLatch latch;
        synchronized (gate) {
            latch = injected;
        }
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Caps what each direction of each connection forwards to {@code rate} bytes per second; 0 lifts the cap. */
    public void slow(int rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be 0 or more, was " + rate);
        }
        bytesPerSecond = rate;
    }

    /**
     * Ends every fault, armed or standing: connections that were stalled or held are closed
     * (whatever they held is never delivered), the rate cap is lifted, new connections are forwarded.
     */
    public void heal() {
        List<Link> frozen = new ArrayList<>();
        synchronized (gate) {
            if (standing == Fault.STALL || standing == Fault.HOLD) {
                frozen.addAll(links);
                // marked before the pumps wake, so that no held byte is forwarded
                frozen.forEach(link -> link.done = true);
            }
            standing = null;
            triggerText = null;
            triggerFault = null;
            triggerBytes = -1;
            bytesPerSecond = 0;
            gate.notifyAll();
        }
        frozen.forEach(link -> link.close(false));
    }

    /** Connections open through the proxy now. */
    public int openConnections() {
        return links.size();
    }

    /** Bytes forwarded so far, both ways, all connections. */
    public long bytesForwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(link -> link.close(false));
    }

    /** Called holding {@link #gate}. */
    private void fire(Fault fault) {
        triggerText = null;
        triggerFault = null;
        triggerBytes = -1;
        injected.countDown();
        if (fault == Fault.CUT || fault == Fault.RESET) {
            List<Link> open = new ArrayList<>(links);
            open.forEach(link -> link.close(fault == Fault.RESET));
        } else {
            standing = fault;
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
            } catch (IOException e) {
                // the node is down: the client sees its connection closed at once
                closeQuietly(client, false);
                closeQuietly(server, false);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            link.start();
        }
    }

    private static void closeQuietly(Socket socket, boolean reset) {
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** One proxied connection: the client's socket, the node's, a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean done;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            int id = THREADS.incrementAndGet();
            startPump(client, server, true, "fault-proxy-up-" + id);
            startPump(server, client, false, "fault-proxy-down-" + id);
        }

        private void startPump(Socket from, Socket to, boolean fromClient, String name) {
            Thread thread = new Thread(() -> pump(from, to, fromClient), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[16 * 1024];
            byte[] tail = new byte[0];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (!done) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    if (fromClient) {
                        tail = checkText(tail, buffer, read);
                    }
                    if (!passGate(fromClient, read)) {
                        return;
                    }
                    write(out, buffer, read);
                    forwarded.addAndGet(read);
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                close(false);
            }
        }

        /** Fires an armed text fault if the client's bytes (with the previous read's tail) hold its text. */
        private byte[] checkText(byte[] tail, byte[] buffer, int read) {
            synchronized (gate) {
                if (triggerText == null) {
                    return new byte[0];
                }
                byte[] window = new byte[tail.length + read];
                System.arraycopy(tail, 0, window, 0, tail.length);
                System.arraycopy(buffer, 0, window, tail.length, read);
                if (indexOf(window, triggerText) >= 0) {
                    fire(triggerFault);
                    return new byte[0];
                }
                int keep = Math.min(window.length, triggerText.length - 1);
                byte[] next = new byte[keep];
                System.arraycopy(window, window.length - keep, next, 0, keep);
                return next;
            }
        }

        /** Waits while the standing fault keeps this direction's bytes; false when the link is closed meanwhile. */
        private boolean passGate(boolean fromClient, int read) throws IOException {
            synchronized (gate) {
                if (triggerBytes >= 0 && forwarded.get() + read >= triggerBytes) {
                    fire(triggerFault);
                }
                while (!done && (standing == Fault.STALL || (standing == Fault.HOLD && fromClient))) {
                    try {
                        gate.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return !done;
            }
        }

        private void write(OutputStream out, byte[] buffer, int length) throws IOException {
            int rate = bytesPerSecond;
            if (rate == 0) {
                out.write(buffer, 0, length);
                out.flush();
                return;
            }
            int slice = Math.max(1, rate / 10);
            for (int from = 0; from < length; from += slice) {
                int count = Math.min(slice, length - from);
                out.write(buffer, from, count);
                out.flush();
                try {
                    Thread.sleep(Math.max(1, count * 1000L / rate));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        void close(boolean reset) {
            done = true;
            links.remove(this);
            closeQuietly(client, reset);
            closeQuietly(server, reset);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
