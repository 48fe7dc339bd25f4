package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.remote.Connection;
import picocli.CommandLine.Option;

/** --connect and its companions: compute on a {@code leafwalk serve} elsewhere instead of in this process. */
final class ConnectOptions {
    @Option(names = "--connect", paramLabel = "HOST:PORT",
            description = "Compute on the leafwalk serve at HOST:PORT; --model then names a model of its catalogue "
                    + "and inputs are read here and sent.")
    String connect;

    @Option(names = "--token-file", paramLabel = "F",
            description = "The server's token (default: the one serve wrote in this user's state folder).")
    Path tokenFile;

    @Option(names = "--tls", description = "Connect over TLS, trusting the system's certificate authorities.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "C",
            description = "Connect over TLS, trusting the certificate authority (or self-signed certificate) in C.")
    Path tlsCa;

    @Option(names = "--insecure",
            description = "Connect to an address other than loopback without TLS (the token travels in the clear).")
    boolean insecure;

    /** The server to compute on, or null for this process. */
    Connection connection() {
        if (connect == null) {
            if (tokenFile != null || tls || tlsCa != null || insecure) {
                throw new org.leafwalk.explore.failure.InvalidOption("--token-file, --tls, --tls-ca and --insecure go "
                        + "with --connect");
            }
            return null;
        }
        return Connection.of(connect, tokenFile, tls, tlsCa, insecure);
    }
}
