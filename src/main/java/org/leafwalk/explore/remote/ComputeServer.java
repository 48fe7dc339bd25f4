package org.leafwalk.explore.remote;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.leafwalk.explore.remote.wire.CatalogueReply;
import org.leafwalk.explore.remote.wire.CatalogueRequest;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.ExploreGrpc;
import org.leafwalk.explore.remote.wire.Hello;
import org.leafwalk.explore.remote.wire.ServerMessage;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.io.InvalidInputException;

/**
 * {@code leafwalk serve}: the compute service for clients elsewhere. Every call must carry the server's token; a
 * server bound to anything but loopback also needs TLS unless told {@code insecure}. Each Session call is a session
 * of its own ({@link ServerSession}) with its own worker, so one client's long step holds up no other's beyond the
 * cores they share.
 */
public final class ComputeServer implements AutoCloseable {
    /** How a server is started. */
    public record Config(String host, int port, List<Path> models, String device, String token, Path tlsCert,
            Path tlsKey, boolean insecure, Limits limits, PrintStream log) {
        /** Never the token. */
        @Override
        public String toString() {
            return "Config[" + host + ":" + port + ", models " + models + ", device " + device + ", TLS "
                    + (tlsCert != null) + ", insecure " + insecure + ", " + limits + "]";
        }
    }

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(Tokens.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final Config config;
    private final Catalogue catalogue;
    private final String device;
    private final String deviceNote;
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leafwalk-serve-ticker");
        t.setDaemon(true);
        return t;
    });
    private Server server;
    private boolean testHooks; // an unbound server (tests) takes a hold on its workers

    private ComputeServer(Config config) {
        jobs.release(config.limits().maxSessions());
        this.config = config;
        this.catalogue = Catalogue.of(config.models());
        String[] d = deviceOf(config.device());
        this.device = d[0];
        this.deviceNote = d[1];
    }

    /** The device sessions compute on, and a note when it is not the one asked for. */
    private static String[] deviceOf(String asked) {
        EngineSetup.device(asked); // refuses gpu where CUDA cannot start, naming why
        String name = EngineSetup.deviceName(asked);
        String note = asked.equals("auto") && name.equals("CPU")
                ? "the server computes on its CPU: it found no GPU it can use (asked: auto)" : "";
        return new String[] {asked, note};
    }

    /** Starts a server on a network port (Netty), refusing an open bind without TLS. */
    public static ComputeServer start(Config config) throws IOException {
        boolean loopback = loopback(config.host());
        boolean tls = config.tlsCert() != null;
        if ((config.tlsCert() == null) != (config.tlsKey() == null)) {
            throw new InvalidInputException("--tls-cert and --tls-key go together");
        }
        if (!loopback && !tls && !config.insecure()) {
            throw new InvalidInputException(config.host() + " is not a loopback address: serve needs TLS there "
                    + "(--tls-cert and --tls-key), or --insecure to send everything, the token included, in the clear");
        }
        ComputeServer s = new ComputeServer(config);
        ServerCredentials creds;
        try {
            creds = tls ? TlsServerCredentials.create(config.tlsCert().toFile(), config.tlsKey().toFile())
                    : InsecureServerCredentials.create();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot read the TLS certificate or key: " + e.getMessage(), e);
        }
        s.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()), creds)
                .maxInboundMessageSize(Chunks.MAX_MESSAGE)
                .directExecutor()
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .addService(s.definition()).build();
        try {
            s.server.start();
        } catch (IOException e) {
            throw new InvalidInputException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        s.startTicker();
        if (!loopback && !tls) {
            s.log("WARNING: --insecure: listening on " + config.host() + " without TLS; the token and every image, "
                    + "sentence and result travel in the clear");
        }
        return s;
    }

    /** A server whose service is bound elsewhere (an in-process channel, in tests): {@link #definition()}. */
    public static ComputeServer unbound(Config config) {
        ComputeServer s = new ComputeServer(config);
        s.testHooks = true;
        s.startTicker();
        return s;
    }

    private void startTicker() {
        ticker.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Statuses for busy sessions (what they compute, how far) and for those whose state changed (gone idle), and
     * the end of idle ones; one session's failure ends that session, never the ticker.
     */
    private void tick() {
        for (ServerSession s : sessions) {
            try {
                if (s.busy()) {
                    s.status();
                } else if (s.idleNanos() > TimeUnit.MILLISECONDS.toNanos(config.limits().idleMillis())) {
                    log(s.peer() + ": session closed after " + config.limits().idleMillis() / 1000 + " s idle");
                    s.end(Status.DEADLINE_EXCEEDED.withDescription("the session was idle for longer than the server "
                            + "keeps one (" + config.limits().idleMillis() / 1000 + " s): it was closed"));
                } else {
                    s.statusIfChanged();
                }
            } catch (RuntimeException e) {
                log(s.peer() + ": session ended by a failure: " + e);
                s.end(Status.INTERNAL.withDescription("the server failed on this session"));
            }
        }
    }

    boolean testHooks() {
        return testHooks;
    }

    /** A session may move to the CPU always, and to another device only where the server was started on one. */
    boolean allowsDevice(String choice) {
        return choice.equals("cpu") || !device.equals("cpu");
    }

    static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new InvalidInputException("unknown host " + host, e);
        }
    }

    /** The service with its token check, to bind to any server. */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(new Service().bindService(), new TokenCheck());
    }

    /** The port the server listens on (the one the system chose for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Serves one more model folder, by its folder's name (this process adds it; a client never can). */
    public void addModel(Path dir) {
        catalogue.add(dir);
    }

    /** What it serves, in a line: its device and models. */
    public String describe() {
        return "computing on " + EngineSetup.deviceName(device) + (deviceNote.isEmpty() ? "" : " (" + deviceNote + ")")
                + "; models: " + String.join(", ", catalogue.names());
    }

    public int sessions() {
        return sessions.size();
    }

    /** Bytes and snapshots sent to clients so far, over the sessions open now. */
    public long[] sent() {
        long b = 0;
        long n = 0;
        for (ServerSession s : sessions) {
            b += s.sentBytes();
            n += s.sentSnapshots();
        }
        return new long[] {b, n};
    }

    Limits limits() {
        return config.limits();
    }

    /** What this server takes, as its greeting says (see Hello.protocol): 2, jobs and the kept walk. */
    static final int PROTOCOL = 2;

    /**
     * The jobs (walk and inspect for a client) that may run at once: as many as sessions, however many clients came
     * and went (a job outlives its session until its next step).
     */
    private final java.util.concurrent.Semaphore jobs = new java.util.concurrent.Semaphore(0);

    java.util.concurrent.Semaphore jobs() {
        return jobs;
    }

    /** Threads that send what waited for a slow client (made as needed, gone when idle). */
    private final java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "leafwalk-serve-send");
                t.setDaemon(true);
                return t;
            });

    java.util.concurrent.Executor senders() {
        return senders;
    }

    Catalogue catalogue() {
        return catalogue;
    }

    String device() {
        return device;
    }

    String deviceNote() {
        return deviceNote;
    }

    Hello hello() {
        return Hello.newBuilder().setServer(host() + " (Leafwalk " + EngineSetup.version() + ")")
                .setDevice(EngineSetup.deviceName(device)).setDeviceNote(deviceNote)
                .addAllModels(catalogue.names()).setProtocol(PROTOCOL).build();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    void log(String line) {
        if (config.log() != null) {
            config.log().println("leafwalk serve: " + line);
        }
    }

    void closed(ServerSession s) {
        if (sessions.remove(s)) {
            log(s.peer() + ": session ended (" + sessions.size() + " open)");
        }
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        senders.shutdown();
        for (ServerSession s : sessions) {
            s.end(Status.UNAVAILABLE.withDescription("the server is stopping"));
        }
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Service extends ExploreGrpc.ExploreImplBase {
        @Override
        public void catalogue(CatalogueRequest request, StreamObserver<CatalogueReply> reply) {
            var l = config.limits();
            reply.onNext(CatalogueReply.newBuilder().addAllModels(catalogue.names())
                    .setDevice(EngineSetup.deviceName(device)).setDeviceNote(deviceNote)
                    .setVersion(EngineSetup.version()).setMaxImageBytes(l.maxImageBytes())
                    .setMaxSentenceChars(l.maxSentenceChars()).setResidentMib(EngineSetup.residentMiB())
                    .setHeapUsedMib((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0)
                    .setSessions(sessions.size()).build());
            reply.onCompleted();
        }

        @Override
        public StreamObserver<ClientMessage> session(StreamObserver<ServerMessage> reply) {
            var call = (ServerCallStreamObserver<ServerMessage>) reply;
            String peer = String.valueOf(PEER.get());
            synchronized (sessions) {
                if (sessions.size() >= config.limits().maxSessions()) {
                    log(peer + ": refused a session: " + sessions.size() + " open, the most this server holds");
                    reply.onError(Status.RESOURCE_EXHAUSTED.withDescription("the server holds its most sessions ("
                            + config.limits().maxSessions() + "): try again later").asRuntimeException());
                    return new Discard();
                }
                ServerSession s = new ServerSession(ComputeServer.this, call, peer);
                sessions.add(s);
                log(peer + ": session opened (" + sessions.size() + " open)");
                return s;
            }
        }
    }

    private static final io.grpc.Context.Key<Object> PEER = io.grpc.Context.key("leafwalk-peer");

    /** Every call carries the token, compared in constant time; a wrong or missing one is logged and refused. */
    private final class TokenCheck implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            Object peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            String h = headers.get(AUTHORIZATION);
            String given = h != null && h.startsWith(Tokens.SCHEME) ? h.substring(Tokens.SCHEME.length()) : null;
            if (!Tokens.matches(config.token(), given)) {
                log(peer + ": refused " + call.getMethodDescriptor().getBareMethodName() + ": "
                        + (h == null ? "no token" : "a wrong token"));
                call.close(Status.UNAUTHENTICATED.withDescription("this server needs its token"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            var ctx = io.grpc.Context.current().withValue(PEER, peer);
            return io.grpc.Contexts.interceptCall(ctx, call, headers, next);
        }
    }

    /** The reader of a call refused before it began. */
    private static final class Discard implements StreamObserver<ClientMessage> {
        @Override
        public void onNext(ClientMessage value) { }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onCompleted() { }
    }
}
