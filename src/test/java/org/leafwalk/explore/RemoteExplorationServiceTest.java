package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.testing.HangGuard;
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

    /**
     * As the in-process storm, less the count of pending computations: a client counts its requests on their way
     * as one until the server says how many it holds, so the count is the server's, which the walk below checks.
     */
    @Override
    @Test
    void latestTargetWinsUnderAStorm() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        service.holdWorkerUntil(gate);
        for (int i = 1; i <= 1000; i++) {
            service.drag(SliderKind.NULL, 0, 0.001 * i);
        }
        gate.countDown();
        HangGuard.awaitIdle(service);
        List<TrajectoryEntry> stormed = service.trajectory();
        double walked = 0;
        for (TrajectoryEntry e : stormed.subList(1, stormed.size())) {
            walked += e.delta();
        }
        assertEquals(1.0, walked, 1e-9, "the walk ends exactly at the last target");
        service.release();
        service.reset();
        HangGuard.awaitIdle(service);
        service.drag(SliderKind.NULL, 0, 1.0);
        HangGuard.awaitIdle(service);
        List<TrajectoryEntry> direct = service.trajectory();
        assertEquals(direct.size(), stormed.size(), "the storm walked other steps than a single drag to its end");
        assertArrayEquals(direct.get(direct.size() - 1).point(), stormed.get(stormed.size() - 1).point(), 1e-12);
    }
}
