package org.leafwalk.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.leafwalk.explore.remote.ComputeServer;
import org.leafwalk.explore.remote.Connection;
import org.leafwalk.explore.remote.Limits;
import org.leafwalk.explore.remote.RemoteExploration;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;

/**
 * A {@code leafwalk serve} on an in-process gRPC channel: the real server, sessions, wire format and client, with
 * no socket. Clients it makes carry its token.
 */
public final class InProcessServer implements AutoCloseable {
    public static final String TOKEN = "0123456789abcdef".repeat(4);

    private volatile ComputeServer server;
    private volatile Server grpc;
    private final String name = InProcessServerBuilder.generateName();
    private final ComputeServer.Config config;

    public InProcessServer(List<Path> models, Limits limits) throws IOException {
        config = new ComputeServer.Config("127.0.0.1", 0, models, "cpu", TOKEN, null, null, false, limits, System.err);
        startAgain();
    }

    /** Starts the server (again, after {@link #kill}) under the same name: its clients' channels reach it. */
    public void startAgain() throws IOException {
        server = ComputeServer.unbound(config);
        grpc = InProcessServerBuilder.forName(name).addService(server.definition()).build().start();
    }

    /** The server goes away at once, as a killed process does: every session and call ends. */
    public void kill() throws InterruptedException {
        grpc.shutdownNow();
        server.close();
        grpc.awaitTermination(1, TimeUnit.MINUTES);
    }

    public InProcessServer(List<Path> models) throws IOException {
        this(models, Limits.DEFAULTS);
    }

    public ComputeServer server() {
        return server;
    }

    public ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name).build();
    }

    /** A client of the server with its token. */
    public RemoteExploration client(Consumer<Snapshot> snapshots, Consumer<Notice> notices) {
        return new RemoteExploration(channel(), Connection.credentials(TOKEN), "in-process", snapshots, notices);
    }

    /** The window's service: a client of this server. */
    public Exploration.Opener opener() {
        return (device, threads, longThreads, snapshots, notices) -> client(snapshots, notices);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        grpc.shutdownNow();
        grpc.awaitTermination(1, TimeUnit.MINUTES);
    }
}
