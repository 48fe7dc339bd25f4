package org.leafwalk.explore.remote;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.io.InvalidInputException;

/**
 * How a client reaches a {@code leafwalk serve}: its address, its token, and TLS (trusting the system's roots, or a
 * certificate authority file for a server with a certificate of its own). The token is sent with every call; to an
 * address that is not loopback only over TLS, unless the user says {@code insecure}.
 */
public record Connection(String host, int port, String token, boolean tls, Path tlsCa, boolean insecure) {

    /**
     * The server at {@code hostPort} (HOST:PORT, [IPv6]:PORT), with the token in {@code tokenFile} (null: the one
     * {@code serve} wrote in this user's state folder, for a server on this machine).
     */
    public static Connection of(String hostPort, Path tokenFile, boolean tls, Path tlsCa, boolean insecure) {
        Connection at = address(hostPort);
        if (at.port() == 0) {
            throw new InvalidInputException("--connect " + hostPort + ": the port is a number from 1 to 65535");
        }
        boolean secure = tls || tlsCa != null;
        if (!secure && !insecure && !ComputeServer.loopback(at.host())) {
            throw new InvalidInputException("--connect " + hostPort + " is not a loopback address: connect with --tls "
                    + "(or --tls-ca FILE), or --insecure to send the token and your inputs in the clear");
        }
        Path file = tokenFile != null ? tokenFile : Tokens.defaultFile();
        return new Connection(at.host(), at.port(), Tokens.read(file), secure, tlsCa, insecure);
    }

    /** HOST:PORT ([IPv6]:PORT; port 0: any free port, for a server) as an address without a token. */
    public static Connection address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new InvalidInputException(hostPort + ": write HOST:PORT (for example 127.0.0.1:7465)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException(hostPort + ": the port is a number from 1 to 65535");
        }
        return new Connection(host, port, null, false, null, false);
    }

    /** Never the token: a connection may be printed or logged. */
    @Override
    public String toString() {
        return "Connection[" + address() + (tls ? ", TLS" : "") + "]";
    }

    /** host:port, as the user wrote it. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    ManagedChannel channel() {
        ChannelCredentials creds;
        if (tls) {
            try {
                creds = tlsCa == null ? TlsChannelCredentials.create()
                        : TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
            } catch (IOException e) {
                throw new InvalidInputException("--tls-ca " + tlsCa + ": cannot read (" + e.getMessage() + ")", e);
            }
        } else {
            creds = InsecureChannelCredentials.create();
        }
        return Grpc.newChannelBuilderForAddress(host, port, creds).maxInboundMessageSize(Chunks.MAX_MESSAGE).directExecutor()
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS).build();
    }

    /** The token as call credentials. */
    public static CallCredentials credentials(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of(Tokens.HEADER, Metadata.ASCII_STRING_MARSHALLER), Tokens.SCHEME + token);
                applier.apply(m);
            }
        };
    }

    /** The window's service: a client of this server. */
    public Exploration.Opener opener() {
        return (device, threads, longThreads, snapshots, notices) -> new RemoteExploration(channel(),
                credentials(token), address(), snapshots, notices);
    }

    /** A client of this server, for the command line. */
    public RemoteExploration open(java.util.function.Consumer<org.leafwalk.explore.service.Snapshot> snapshots,
            java.util.function.Consumer<org.leafwalk.explore.service.Notice> notices) {
        return new RemoteExploration(channel(), credentials(token), address(), snapshots, notices);
    }
}
