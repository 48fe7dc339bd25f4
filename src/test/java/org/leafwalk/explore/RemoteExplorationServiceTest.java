package org.leafwalk.explore;

import java.util.List;
import java.util.function.Consumer;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.testing.InProcessServer;

/**
 * Every test of the in-process service, run against a client of {@code leafwalk serve} over an in-process gRPC
 * channel: the model folder is served by its name, the image is sent as its file's bytes, exports come back as
 * data and are written here, sessions are sent and reopened on the server.
 */
class RemoteExplorationServiceTest extends ExplorationServiceTest {
    private InProcessServer server;

    @Override
    protected Exploration open(Consumer<Snapshot> snapshots, Consumer<Notice> notices) throws Exception {
        server = new InProcessServer(List.of(tmp));
        return server.client(snapshots, notices);
    }

    @Override
    protected void closed() throws Exception {
        server.close();
    }

    @Override
    protected boolean countsPendingOnItsOwnThread() {
        return false;
    }

    @Override
    protected double pictureTolerance() {
        return 1e-7; // pixels in [0,1] in float32: what a display needs, in half the bytes
    }
}
