package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.leafwalk.explore.remote.ComputeServer;
import org.leafwalk.explore.remote.Connection;
import org.leafwalk.explore.remote.Limits;
import org.leafwalk.explore.remote.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the compute service to windows and commands elsewhere (ui --connect, walk --connect): "
                + "each connection is a session of its own on this machine's cores and GPU.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:7465", paramLabel = "HOST:PORT",
            description = "Where to listen (default: ${DEFAULT-VALUE}, this machine only). Any other address needs "
                    + "--tls-cert and --tls-key, or --insecure.")
    String listen;

    @Option(names = "--models", arity = "1..*", paramLabel = "DIR",
            description = "Model folders, or folders of model folders, that clients may open by folder name (the "
                    + "shipped models are always offered: default, fashion-mnist, mnist-paper, minilm).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--device", defaultValue = "auto",
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}; gpu refuses to start where CUDA cannot).")
    String device;

    @Option(names = "--token-file", paramLabel = "F",
            description = "The token clients must send: read from F, or made there (owner-only) when F does not "
                    + "exist (default: serve.token in the state folder, which clients on this machine read).")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "C", description = "The server's certificate chain (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "K", description = "Its private key (PEM, PKCS#8).")
    Path tlsKey;

    @Option(names = "--insecure",
            description = "Listen on an address other than loopback without TLS (the token and every input travel "
                    + "in the clear).")
    boolean insecure;

    @Option(names = "--max-sessions", defaultValue = "16", paramLabel = "N",
            description = "Sessions open at once (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--idle-minutes", defaultValue = "30", paramLabel = "M",
            description = "A session idle this long is closed and its memory freed (default: ${DEFAULT-VALUE}).")
    double idleMinutes;

    @Override
    public Integer call() throws Exception {
        if (maxSessions < 1) {
            throw new org.leafwalk.explore.failure.InvalidOption("--max-sessions " + maxSessions + ": at least 1");
        }
        if (!(idleMinutes > 0)) {
            throw new org.leafwalk.explore.failure.InvalidOption("--idle-minutes " + idleMinutes + ": more than 0");
        }
        Connection at = Connection.address(listen);
        Path tokens = tokenFile != null ? tokenFile : Tokens.defaultFile();
        String token = Tokens.readOrCreate(tokens);
        Limits limits = Limits.DEFAULTS.withMaxSessions(maxSessions).withIdleMillis(Math.round(idleMinutes * 60_000));
        ComputeServer server = ComputeServer.start(new ComputeServer.Config(at.host(), at.port(), models, device,
                token, tlsCert, tlsKey, insecure, limits, System.err));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "leafwalk-serve-stop"));
        System.err.println("leafwalk serve: listening on " + at.host() + ":" + server.port()
                + (tlsCert != null ? " (TLS)" : "") + "; the token is in " + tokens.toAbsolutePath());
        System.err.println("leafwalk serve: " + server.describe());
        server.awaitTermination();
        return 0;
    }
}
